/**
 * TfIdfVectorizer: counts the pool's n-grams in each row of a [C] or [N, C] input. An n-gram
 * of length n with skip s takes every (s+1)-th token from its start; all skips up to
 * max_skip_count are tried, but a 1-gram is the same for every skip and is counted once per
 * position. TF keeps counts, IDF turns them into 0/1 times the weight, TFIDF multiplies counts by
 * the weight.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { buildNgramPool, type NgramPool } from './ngram-pool.js';

type Mode = 'TF' | 'IDF' | 'TFIDF';

interface TfIdfAttributes {
  readonly pool: NgramPool;
  readonly poolOfStrings: boolean;
  readonly minLength: number;
  readonly maxLength: number;
  readonly maxSkip: number;
  readonly mode: Mode;
}

function countRow(tokens: readonly string[], attrs: TfIdfAttributes, counts: Float64Array): void {
  const { minLength, maxLength, maxSkip, pool } = attrs;
  for (let start = 0; start < tokens.length; start++) {
    for (let skip = 0; skip <= maxSkip; skip++) {
      const step = skip + 1;
      let node = pool.root;
      for (let n = 1; n <= maxLength; n++) {
        const at = start + (n - 1) * step;
        if (at >= tokens.length) break;
        const child = node.children.get(tokens[at]);
        if (!child) break;
        node = child;
        if (n >= minLength && node.column >= 0 && (n > 1 || skip === 0)) counts[node.column]++;
      }
    }
  }
}

function vectorize(x: DenseTensor, attrs: TfIdfAttributes): DenseTensor {
  if (x.rank !== 1 && x.rank !== 2) throw new KernelInputError(`X must be [C] or [N, C], got ${formatShape(x.dims)}`);
  if ((x.type === 'string') !== attrs.poolOfStrings) {
    throw new KernelInputError(`X is ${x.type} but the pool holds ${attrs.poolOfStrings ? 'strings' : 'integers'}`);
  }
  const rows = x.rank === 2 ? x.dims[0] : 1;
  const cols = x.rank === 2 ? x.dims[1] : x.dims[0];
  const tokens = Array.from(x.data as ArrayLike<string | number | bigint>, String);
  const { width, weights } = attrs.pool;
  const out = new Float32Array(rows * width);
  const counts = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    counts.fill(0);
    countRow(tokens.slice(r * cols, (r + 1) * cols), attrs, counts);
    for (let c = 0; c < width; c++) {
      const count = attrs.mode === 'IDF' ? Math.min(counts[c], 1) : counts[c];
      out[r * width + c] = attrs.mode === 'TF' ? count : count * weights[c];
    }
  }
  return new DenseTensor('float32', x.rank === 2 ? [rows, width] : [width], out);
}

function parseMode(mode: string): Mode {
  if (mode === 'TF' || mode === 'IDF' || mode === 'TFIDF') return mode;
  throw new KernelInputError(`attribute 'mode' must be TF, IDF or TFIDF, got '${mode}'`);
}

export const tfIdfVectorizerKernel = kernel<TfIdfAttributes>({
  domain: '',
  opType: 'TfIdfVectorizer',
  sinceVersion: 9,
  typeConstraints: [{ input: 0, types: ['string', 'int32', 'int64'] }],
  parseAttributes(attrs) {
    const strings = attrs.strings('pool_strings');
    const ints = attrs.ints('pool_int64s');
    if ((strings === undefined) === (ints === undefined)) throw new KernelInputError('exactly one of pool_strings and pool_int64s must be given');
    const minLength = attrs.requiredInt('min_gram_length');
    const maxLength = attrs.requiredInt('max_gram_length');
    const maxSkip = attrs.requiredInt('max_skip_count');
    if (!(minLength >= 1 && minLength <= maxLength)) throw new KernelInputError(`gram lengths must satisfy 1 <= min_gram_length (${minLength}) <= max_gram_length (${maxLength})`);
    if (maxSkip < 0) throw new KernelInputError(`max_skip_count must be non-negative, got ${maxSkip}`);
    const pool = buildNgramPool(strings ?? (ints ?? []).map(String), attrs.requiredInts('ngram_counts'), attrs.requiredInts('ngram_indexes'), attrs.floats('weights'));
    return { pool, poolOfStrings: strings !== undefined, minLength, maxLength, maxSkip, mode: parseMode(attrs.string('mode', '')) };
  },
  run: (inputs, attrs) => [vectorize(tensorInput(inputs, 0, 'X'), attrs)],
});
