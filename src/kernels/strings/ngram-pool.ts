/**
 * The n-gram vocabulary of TfIdfVectorizer as a trie: pool entries are grouped by length
 * (ngram_counts gives where each length starts) and each complete n-gram remembers its output
 * column. Tokens are keyed by their string form, so int32 input finds int64 pool entries.
 */
import { KernelInputError } from '../../errors/errors.js';

export interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** Output column of the n-gram ending here, or -1 when none does. */
  column: number;
}

export interface NgramPool {
  readonly root: TrieNode;
  /** Output length: max(ngram_indexes) + 1. */
  readonly width: number;
  /** Weight per output column (1 where none is given). */
  readonly weights: Float64Array;
}

const newNode = (): TrieNode => ({ children: new Map(), column: -1 });

export function buildNgramPool(
  pool: readonly string[],
  ngramCounts: readonly number[],
  ngramIndexes: readonly number[],
  weights: readonly number[] | undefined,
): NgramPool {
  const root = newNode();
  let ngram = 0;
  for (let level = 0; level < ngramCounts.length; level++) {
    const n = level + 1;
    const start = ngramCounts[level];
    const end = level + 1 < ngramCounts.length ? ngramCounts[level + 1] : pool.length;
    if (!(start >= 0 && start <= end && end <= pool.length) || (end - start) % n !== 0) {
      throw new KernelInputError(`ngram_counts ${JSON.stringify(ngramCounts)} does not split a pool of ${pool.length} into whole ${n}-grams`);
    }
    for (let at = start; at < end; at += n, ngram++) {
      let node = root;
      for (let k = 0; k < n; k++) {
        const token = pool[at + k];
        let child = node.children.get(token);
        if (!child) node.children.set(token, (child = newNode()));
        node = child;
      }
      node.column = columnOf(ngramIndexes, ngram);
    }
  }
  if (ngram !== ngramIndexes.length) throw new KernelInputError(`ngram_indexes has ${ngramIndexes.length} entries for ${ngram} n-grams`);
  if (weights && weights.length !== ngram) throw new KernelInputError(`weights has ${weights.length} entries for ${ngram} n-grams`);
  const width = ngramIndexes.reduce((m, c) => Math.max(m, c + 1), 0);
  const columnWeights = new Float64Array(width).fill(1);
  if (weights) ngramIndexes.forEach((column, i) => (columnWeights[column] = weights[i]));
  return { root, width, weights: columnWeights };
}

function columnOf(ngramIndexes: readonly number[], ngram: number): number {
  const column = ngramIndexes[ngram];
  if (column === undefined || !Number.isInteger(column) || column < 0) {
    throw new KernelInputError(`ngram_indexes[${ngram}] must be a non-negative column, got ${column}`);
  }
  return column;
}
