/**
 * How a recurrent op's products with W and R reach the WebAssembly GEMM without packing the
 * weight on every call. A weight that is one of the model's constants goes as the product's
 * constantB: the GEMM packs it once into panels that stay in its heap, so a step copies only the
 * state and the gates (a streaming model's one-step op included). Any other R is packed once per
 * run where a direction runs more than one step (packing costs about one step's product), and
 * its panels are copied in per step.
 */
import { packBF32, type PackedBF32 } from '../../backends/wasm/wasm-gemm.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { GemmOperands } from '../linalg/gemm-core.js';
import type { KernelContext } from '../kernel.js';
import type { RecurrentScratch } from './recurrent-scratch.js';

/** Packed blocks of a weight, by a key the caller picks; null: not packable. */
export type PackedBlocks = Map<number, PackedBF32 | null>;

/** Below this many multiply-adds gemm() stays in TypeScript, so a packed B would go unused. */
const PACKED_MIN_WORK = 1024;

/** How the products of one run reach a weight. */
export interface WeightPacking {
  /** The weight where it is a model constant, for GemmOperands.constantB. */
  readonly constant: DenseTensor | undefined;
  /** Blocks this run packs on first use (a weight that is not constant); undefined where packing would not pay. */
  readonly blocks: PackedBlocks | undefined;
}

export function weightPacking(weight: DenseTensor, steps: number, context: KernelContext | undefined, scratch: RecurrentScratch): WeightPacking {
  if (context?.isConstant?.(weight)) return scratch.packingOfConstant(weight);
  return { constant: undefined, blocks: steps > 1 ? new Map() : undefined };
}

/**
 * op's B (stored transposed: n x k rows from op.bOffset) packed, from `blocks` under `key` or
 * packed now and kept there; null where it cannot be (not float32, too small, no wasm).
 */
export function packedB(blocks: PackedBlocks, key: number, op: GemmOperands): PackedBF32 | null {
  let packed = blocks.get(key);
  if (packed === undefined || (packed !== null && (packed.k !== op.k || packed.n !== op.n))) {
    const worth = op.b instanceof Float32Array && op.m * op.n * op.k >= PACKED_MIN_WORK;
    packed = (worth && packBF32(op.b as Float32Array, op.bOffset, op.ldb, true, op.k, op.n)) || null;
    blocks.set(key, packed);
  }
  return packed;
}
