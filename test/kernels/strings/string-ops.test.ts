import { describe, expect, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { expectSameAsOrt, runOurs, strings } from './one-node.js';

const rng = new Rng(5);

describe('StringConcat', () => {
  it.each([
    [[3], [3]], [[2, 3], [3]], [[1, 4], [2, 1]], [[], []], [[0, 2], [2]], [[2, 1, 3], [1, 4, 1]],
  ])('%j + %j broadcasts like onnxruntime', async (a, b) => {
    const feeds = { x: randomTensor('string', a, rng), y: randomTensor('string', b, rng) };
    await expectSameAsOrt({ op: 'StringConcat', opset: 20, feeds, outputs: { z: 'string' } });
  });

  it('joins multi-byte text', async () => {
    const out = await runOurs({ op: 'StringConcat', opset: 20, feeds: { x: strings(['日本', '🙂']), y: strings(['語']) }, outputs: { z: 'string' } });
    expect(Array.from(out.z.data as string[])).toEqual(['日本語', '🙂語']);
  });

  it('rejects shapes that do not broadcast', async () => {
    await expect(runOurs({ op: 'StringConcat', opset: 20, feeds: { x: strings(['a', 'b']), y: strings(['a', 'b', 'c']) }, outputs: { z: 'string' } }))
      .rejects.toThrow(/cannot be broadcast/);
  });
});

describe('StringSplit', () => {
  const split = (values: string[], attributes = {}, dims?: number[]) =>
    ({ op: 'StringSplit', opset: 20, feeds: { x: strings(values, dims) }, outputs: { y: 'string', z: 'int64' } as const, attributes });

  it.each([
    ['-', undefined], ['-', 1], ['ab', undefined], ['ab', 2], ['--', 0],
  ])('delimiter %j with maxsplit %j matches onnxruntime', async (delimiter, maxsplit) => {
    const values = ['a-b--c-', '-', 'xabyabab', 'ab', 'no delimiter', '----'];
    const attributes = { delimiter: attr.string(delimiter), ...(maxsplit === undefined ? {} : { maxsplit: attr.int(maxsplit) }) };
    await expectSameAsOrt(split(values, attributes, [6, 1]));
  });

  it('splits on runs of spaces without a delimiter like onnxruntime', async () => {
    await expectSameAsOrt(split(['  hello   world ', 'one', '', '   ', 'a b c d']));
  });

  it('follows Python str.split() for other whitespace and for the remainder after maxsplit', async () => {
    // onnxruntime splits on spaces only and trims the remainder; the spec and its reference follow Python.
    const out = await runOurs(split(['a\tb\u3000c\ufeffd', '  a  b  c  '], { maxsplit: attr.int(1) }));
    expect(out.y.dims).toEqual([2, 2]);
    expect(Array.from(out.y.data as string[])).toEqual(['a', 'b\u3000c\ufeffd', 'a', 'b  c  ']);
    expect(Array.from(out.z.data as BigInt64Array)).toEqual([2n, 2n]);
  });

  it('splits an empty string into one empty substring, as Python and the reference do', async () => {
    // onnxruntime reports no substrings here instead.
    const out = await runOurs(split(['', 'a-b'], { delimiter: attr.string('-') }));
    expect(Array.from(out.y.data as string[])).toEqual(['', '', 'a', 'b']);
    expect(Array.from(out.z.data as BigInt64Array)).toEqual([1n, 2n]);
  });

  it('keeps the input shape and pads to the longest split', async () => {
    const out = await runOurs(split(['a.b.c', 'd', '', 'e.f'], { delimiter: attr.string('.') }, [2, 2]));
    expect(out.y.dims).toEqual([2, 2, 3]);
    expect(Array.from(out.y.data as string[])).toEqual(['a', 'b', 'c', 'd', '', '', '', '', '', 'e', 'f', '']);
    expect(out.z.dims).toEqual([2, 2]);
    expect(Array.from(out.z.data as BigInt64Array)).toEqual([3n, 1n, 1n, 2n]);
  });

  it('rejects a negative maxsplit', async () => {
    await expect(runOurs(split(['a'], { maxsplit: attr.int(-1) }))).rejects.toThrow(/maxsplit/);
  });
});

describe('StringNormalizer', () => {
  // onnxruntime cannot be the oracle here: it needs OS locales this machine does not install.
  const normalize = (values: string[], attributes: Record<string, ReturnType<typeof attr.int>>, dims?: number[]) =>
    runOurs({ op: 'StringNormalizer', opset: 10, feeds: { x: strings(values, dims) }, outputs: { y: 'string' }, attributes });

  it('drops stop words ignoring case by default, then changes case', async () => {
    const out = await normalize(['Monday', 'tuesday', 'MONDAY', 'Wed'], { stopwords: attr.strings(['monday']), case_change_action: attr.string('UPPER') });
    expect(out.y.dims).toEqual([2]);
    expect(Array.from(out.y.data as string[])).toEqual(['TUESDAY', 'WED']);
  });

  it('matches stop words exactly when case-sensitive and keeps a [1, C] input 2-D', async () => {
    const out = await normalize(['Monday', 'monday', 'Tuesday'], {
      stopwords: attr.strings(['monday']), is_case_sensitive: attr.int(1), case_change_action: attr.string('LOWER'),
    }, [1, 3]);
    expect(out.y.dims).toEqual([1, 2]);
    expect(Array.from(out.y.data as string[])).toEqual(['monday', 'tuesday']);
  });

  it('leaves one empty string when every word is dropped, and an empty input empty', async () => {
    const all = await normalize(['a', 'A'], { stopwords: attr.strings(['a']) }, [1, 2]);
    expect(all.y.dims).toEqual([1, 1]);
    expect(Array.from(all.y.data as string[])).toEqual(['']);
    const none = await normalize([], { stopwords: attr.strings(['a']) });
    expect(none.y.dims).toEqual([0]);
  });

  it('cases by the locale, given POSIX-style', async () => {
    const turkish = await normalize(['istanbul', 'DİYARBAKIR'], { case_change_action: attr.string('UPPER'), locale: attr.string('tr_TR.UTF-8') });
    expect(Array.from(turkish.y.data as string[])).toEqual(['İSTANBUL', 'DİYARBAKIR']);
    const english = await normalize(['istanbul', 'Straße'], { case_change_action: attr.string('UPPER'), locale: attr.string('en_US') });
    expect(Array.from(english.y.data as string[])).toEqual(['ISTANBUL', 'STRASSE']);
  });

  it('rejects bad attributes and inputs of other ranks', async () => {
    await expect(normalize(['a'], { case_change_action: attr.string('TITLE') })).rejects.toThrow(/case_change_action/);
    await expect(normalize(['a'], { locale: attr.string('not a locale!') })).rejects.toThrow(/locale/);
    await expect(normalize(['a', 'b'], {}, [2, 1])).rejects.toThrow(/\[C\] or \[1, C\]/);
  });
});
