/**
 * Where a recurrent op keeps W and R packed for the WebAssembly GEMM. Packing costs about
 * what one step's product with R does, so R is packed when a direction runs more than one step;
 * and a weight that is one of the model's constants keeps its packed form with the tensor,
 * so later runs skip packing altogether (the whole cost of a one-step op such as a streaming
 * model's).
 */
import { packBF32, type PackedBF32 } from '../../backends/wasm/wasm-gemm.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { GemmOperands } from '../linalg/gemm-core.js';
import type { KernelContext } from '../kernel.js';

/** One direction's packed blocks of a weight, by a key the caller picks; null: not packable. */
export type PackedBlocks = Map<number, PackedBF32 | null>;

/** Below this many multiply-adds gemm() stays in TypeScript, so a packed B would go unused. */
const PACKED_MIN_WORK = 1024;

const packedOfConstant = new WeakMap<DenseTensor, PackedBlocks[]>();

/** Per direction, the packed blocks kept with a constant weight; undefined for any other. */
export function constantPackedBlocks(weight: DenseTensor, directions: number, context: KernelContext | undefined): PackedBlocks[] | undefined {
  if (!context?.isConstant?.(weight)) return undefined;
  let cached = packedOfConstant.get(weight);
  if (!cached || cached.length !== directions) {
    cached = Array.from({ length: directions }, () => new Map());
    packedOfConstant.set(weight, cached);
  }
  return cached;
}

/** Per direction, where its packed R lives, or undefined where it is not worth packing. */
export function packedGatesFor(
  r: DenseTensor, directions: number, steps: number, context: KernelContext | undefined,
): (PackedBlocks | undefined)[] {
  return constantPackedBlocks(r, directions, context) ?? Array.from({ length: directions }, () => (steps > 1 ? new Map() : undefined));
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
