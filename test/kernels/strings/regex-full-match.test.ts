import { describe, expect, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { expectSameAsOrt, runOurs, strings } from './one-node.js';

const SUBJECTS = [
  'ab', 'ABC', '123', 'abc', 'aaaab', 'aaa', '', 'a.b', 'b', 'foo', '\n', 'A', '1-z', 'a{,2}', 'αβ', 'a\u00a0b', 'Ⅻ', 'k', '\u212a',
  'x_y', 'foo bar', 'line1\nline2', 'a\tb', '日本語',
];

const match = (pattern: string, subjects: string[] = SUBJECTS) =>
  ({ op: 'RegexFullMatch', opset: 20, feeds: { x: strings(subjects) }, outputs: { y: 'bool' } as const, attributes: { pattern: attr.string(pattern) } });

describe('RegexFullMatch', () => {
  it.each([
    'a|ab', '(?i)abc', '\\d+', '[[:alpha:]]+', '\\pL+', '\\p{Greek}+', '\\PL+', '\\p{^L}+', '(a+)+b', 'a{2,3}', 'a{2,}', 'x*', '\\Qa.b\\E',
    '[^a]', '(?P<n>a)b', '(?<n>a)b', '\\bfoo\\b', '\\Bo+', '.', '(?s).', '\\x{41}', '\\x41', '\\101', '[\\d-z]+', 'a{,2}', '[\\S]+',
    '(?i)K', '\\S+', '\\s', '\\w+', '\\W', '[[:^alpha:]]', '(?i)[^k]', '\\pN', '(?U)a+?', '(?i:a)b', 'a(?i)b|c', '\\z', '^$',
    '(?m)^line1$\\n^line2$', 'line1$\\nline2', '[a-]+', '[]a]', '\\.', '\\-', '\\_', '[\\p{Han}]+', '.*o.*', '(|a)+b?', 'x?_?y?',
    '[[:word:]]+', '\\A\\w+\\z', '(?i)[[:upper:]]+', '[^\\n]*', 'foo\\x20bar',
  ])('%j agrees with onnxruntime (RE2)', async (pattern) => {
    await expectSameAsOrt(match(pattern), pattern);
  });

  it.each(['(a)\\1', 'a**', 'a*+', '(?=a)', '(?!a)', '(?<=a)b', '\\Z', 'a{1001}', 'a{3,2}', '(a', 'a)', '[a', '*a', '\\p{Nope}', '\\q', '\\C', '[z-a]'])(
    '%j is rejected',
    async (pattern) => {
      await expect(runOurs(match(pattern))).rejects.toThrow(/RE2|too large/);
    },
  );

  it('keeps the input shape, empty ones included', async () => {
    const out = await runOurs(match('a+', ['a', 'b', 'aa', '']));
    expect(Array.from(out.y.data as Uint8Array)).toEqual([1, 0, 1, 0]);
    const empty = await runOurs({ ...match('a'), feeds: { x: strings([], [2, 0]) } });
    expect(empty.y.dims).toEqual([2, 0]);
  });

  it('runs in linear time where a backtracking engine would not finish', async () => {
    const start = performance.now();
    const out = await runOurs(match('(a*)*(b|a+)*c', ['a'.repeat(20000) + 'd', 'a'.repeat(5000) + 'c']));
    expect(Array.from(out.y.data as Uint8Array)).toEqual([0, 1]);
    expect(performance.now() - start).toBeLessThan(10_000);
  });

  it('refuses a pattern whose repetitions expand past the program limit', async () => {
    await expect(runOurs(match('((a{1000}){1000}){1000}'))).rejects.toThrow(/too large/);
  });
});
