import { describe, expect, it } from 'vitest';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { Tensor } from '../../../src/index.js';
import { expectSameAsOrt, runOurs, strings } from './one-node.js';

const rng = new Rng(17);

/** Unigrams 0..4, bigrams (1,2) (2,1) (3,3), trigram (1,2,3), with shuffled output columns. */
const INT_POOL = {
  pool_int64s: attr.ints([0, 1, 2, 3, 4, 1, 2, 2, 1, 3, 3, 1, 2, 3]),
  ngram_counts: attr.ints([0, 5, 11]),
  ngram_indexes: attr.ints([8, 0, 7, 1, 6, 2, 5, 3, 4]),
};

function vectorize(x: Tensor, attributes: Record<string, AttributeValue>) {
  return { op: 'TfIdfVectorizer', opset: 9, feeds: { x }, outputs: { y: 'float32' } as const, attributes };
}

describe('TfIdfVectorizer', () => {
  it.each(['TF', 'IDF', 'TFIDF'])('%s over int64 rows with every gram range and skip matches onnxruntime', async (mode) => {
    for (const [min, max, skip] of [[1, 1, 0], [1, 2, 0], [2, 2, 3], [1, 3, 2], [3, 3, 1], [2, 3, 0]]) {
      const attributes = {
        ...INT_POOL, mode: attr.string(mode), min_gram_length: attr.int(min), max_gram_length: attr.int(max), max_skip_count: attr.int(skip),
        weights: attr.floats([0.5, 1.5, 2, 0.25, 3, 1, 0.75, 4, 2.5]),
      };
      for (const x of [randomTensor('int64', [3, 12], rng, 0, 4), randomTensor('int32', [9], rng, 0, 4)]) {
        await expectSameAsOrt(vectorize(x, attributes), `${mode} ${min}-${max} skip ${skip} ${x.type}[${x.dims}]`);
      }
    }
  });

  it('counts string n-grams and weighs IDF without weights as 0/1', async () => {
    const attributes = {
      pool_strings: attr.strings(['a', 'b', 'a', 'b', 'b', 'c']), ngram_counts: attr.ints([0, 2]), ngram_indexes: attr.ints([0, 1, 2, 3]),
      mode: attr.string('IDF'), min_gram_length: attr.int(1), max_gram_length: attr.int(2), max_skip_count: attr.int(1),
    };
    const x = strings(['a', 'b', 'a', 'b', 'c', 'z'], [2, 3]);
    await expectSameAsOrt(vectorize(x, attributes));
    const out = await runOurs(vectorize(x, { ...attributes, mode: attr.string('TF') }));
    // Row 0 "a b a": a x2, b x1, (a,b) once adjacent; row 1 "b c z": b, (b,c) adjacent, nothing with a skip.
    expect(Array.from(out.y.data as Float32Array)).toEqual([2, 1, 1, 0, 0, 1, 0, 1]);
  });

  it('rejects pools that do not fit their counts and input of the wrong kind', async () => {
    const base = { mode: attr.string('TF'), min_gram_length: attr.int(1), max_gram_length: attr.int(2), max_skip_count: attr.int(0) };
    const x = randomTensor('int64', [4], rng, 0, 3);
    await expect(runOurs(vectorize(x, { ...base, pool_int64s: attr.ints([1, 2, 3]), ngram_counts: attr.ints([0, 2]), ngram_indexes: attr.ints([0, 1, 2]) })))
      .rejects.toThrow(/ngram_counts/);
    await expect(runOurs(vectorize(strings(['a']), { ...base, pool_int64s: attr.ints([1]), ngram_counts: attr.ints([0]), ngram_indexes: attr.ints([0]) })))
      .rejects.toThrow(/pool holds integers/);
  });
});
