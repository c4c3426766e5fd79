/**
 * What one recurrent node keeps from one call to the next, so a streaming model's many small
 * calls make no garbage: buffers that never leave the kernel (the states the steps advance, the
 * cells' products, a small input projection) and what derives from its weights alone when they
 * are model constants (B's projection rows, R's packing). One per node: it holds at most one
 * call's worth, and a call with other shapes, types or weights replaces what it held.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import type { WeightPacking } from './packed-weights.js';
import type { SequenceLayout } from './sequence-layout.js';

/** Which reused buffer: each role has its own, since one call uses them together. */
export const ScratchSlot = {
  /** h, then c for LSTM: state k uses slot State + k. */
  State: 0,
  /** A cell's recurrent product. */
  Product: 2,
  /** GRU's r (.) Ht-1 where linear_before_reset is 0. */
  ResetState: 3,
  /** The input projection where it is too small for the arena. */
  Projection: 4,
  /** Zeros standing in for an absent B. */
  ZeroBias: 5,
} as const;

/**
 * Larger buffers are made per call and not kept: a big batch's states would otherwise stay
 * allocated for the session's life, and at that size the allocation is small beside the work.
 */
const KEEP_MAX_ELEMENTS = 1 << 16;

export class RecurrentScratch {
  /** The layout of the node's last call, which the next takes again while its sizes stay. */
  layout: SequenceLayout | undefined;
  private readonly buffers: FloatArray[] = [];
  private active = new Uint8Array(0);
  private biasSource: DenseTensor | undefined;
  private biasRows: (Float64Array | undefined)[] = [];
  private constantPacking: WeightPacking | undefined;

  /**
   * The buffer of `slot`, `size` elements of the array kind of `like`. Its contents are what the
   * last call left there: the caller writes what it reads.
   */
  buffer(slot: number, like: FloatArray, size: number): FloatArray {
    const held = this.buffers[slot];
    if (held !== undefined && held.length === size && held.constructor === like.constructor) return held;
    const fresh: FloatArray = like instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
    if (size <= KEEP_MAX_ELEMENTS) this.buffers[slot] = fresh;
    return fresh;
  }

  /** One flag per batch entry, for Step.active; every step sets them all. */
  activeFlags(batch: number): Uint8Array {
    if (this.active.length !== batch) this.active = new Uint8Array(batch);
    return this.active;
  }

  /** Direction d's projection bias row kept for B `source`, a model constant; undefined: not kept yet. */
  biasRow(source: DenseTensor, d: number): Float64Array | undefined {
    return this.biasSource === source ? this.biasRows[d] : undefined;
  }

  /** Keeps direction d's projection bias row of B `source`, which must be a model constant. */
  keepBiasRow(source: DenseTensor, d: number, row: Float64Array): void {
    if (this.biasSource !== source) {
      this.biasSource = source;
      this.biasRows = [];
    }
    this.biasRows[d] = row;
  }

  /** How the step products reach R where R is the model constant `weight` (packed-weights.ts). */
  packingOfConstant(weight: DenseTensor): WeightPacking {
    if (this.constantPacking?.constant !== weight) this.constantPacking = { constant: weight, blocks: undefined };
    return this.constantPacking;
  }
}
