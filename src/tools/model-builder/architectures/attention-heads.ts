/**
 * Multi-head attention plumbing as Hugging Face models export it: Reshape to heads, Transpose,
 * and back. Batch 1 with static shapes, so each Reshape gets a constant target.
 */
import { DenseTensor } from '../../../tensor/dense-tensor.js';
import type { GraphBuilder, Value } from '../graph-builder.js';

export interface TransformerOptions {
  readonly seed?: number;
  /** Tokens per input; smaller values keep tests fast. */
  readonly sequenceLength?: number;
}

/** The std-0.02 init of BERT and GPT-2 embeddings, as a uniform with the same spread. */
export const EMBEDDING_INIT = { kind: 'uniform', low: -0.02 * Math.sqrt(3), high: 0.02 * Math.sqrt(3) } as const;

/** [1, S, heads·d] -> [1, heads, S, d]; with `keys`, [1, heads, d, S] (K transposed for Q·Kᵀ in one Transpose). */
export function splitHeads(b: GraphBuilder, x: Value, heads: number, keys = false): Value {
  const [batch, sequence, width] = x.shape;
  const split = b.reshape(x, [batch, sequence, heads, width / heads]);
  return b.transpose(split, keys ? [0, 2, 3, 1] : [0, 2, 1, 3]);
}

/** [1, heads, S, d] -> [1, S, heads·d]. */
export function mergeHeads(b: GraphBuilder, x: Value): Value {
  const [batch, heads, sequence, d] = x.shape;
  return b.reshape(b.transpose(x, [0, 2, 1, 3]), [batch, sequence, heads * d]);
}

/** 0, 1, ..., S - 1 as a [1, S] int64 initializer (exporters constant-fold the position_ids slice). */
export function positionIds(b: GraphBuilder, sequence: number, name: string): Value {
  return b.initializer(name, new DenseTensor('int64', [1, sequence], BigInt64Array.from({ length: sequence }, (_, i) => BigInt(i))));
}
