/**
 * What the recurrence driver asks of a cell (RNN, GRU, LSTM): how B enters the input
 * projection and how one step advances the states, plus the pieces the cells share.
 */
import { wasmGemmF32 } from '../../backends/wasm/wasm-gemm.js';
import { gemm, type FloatArray, type GemmOperands } from '../linalg/gemm-core.js';
import type { Activation } from './activations.js';
import { packedB, type WeightPacking } from './packed-weights.js';
import type { RecurrentShape } from './recurrent-inputs.js';

/** One time step of one direction. */
export interface Step {
  /** The input projection X·W^T + bias, to be completed in place; this step's row for batch entry b starts at offset + b * stride. */
  readonly gates: FloatArray;
  readonly offset: number;
  readonly stride: number;
  /** 1 for batch entries whose sequence includes this step; the others keep their states. */
  readonly active: Uint8Array;
}

/** One direction's weights and states. */
export interface DirectionContext {
  readonly batch: number;
  readonly hidden: number;
  /** R's rows for this direction start at rOffset. */
  readonly r: FloatArray;
  readonly rOffset: number;
  /** B's row for this direction starts at bOffset. */
  readonly b: FloatArray | undefined;
  readonly bOffset: number;
  /** LSTM peepholes of this direction start at pOffset. */
  readonly p: FloatArray | undefined;
  readonly pOffset: number;
  readonly activations: readonly Activation[];
  readonly clip: number;
  /** h, then c for LSTM: [batch, hidden] each, advanced in place by every step. */
  readonly states: readonly FloatArray[];
  /** How the step products reach R packed (see packed-weights.ts); shared by the directions. */
  readonly packedR: WeightPacking;
}

export interface Cell {
  readonly shape: RecurrentShape;
  /**
   * The bias row (gates * hidden wide) added to every projected input: the parts of B that add
   * straight to a gate's input. B's row for the direction starts at `offset`.
   */
  projectionBias(b: FloatArray, offset: number, hidden: number): Float64Array;
  /** The step function of one direction. */
  direction(context: DirectionContext): (step: Step) => void;
}

/** Wb + Rb for every gate, for cells where both biases simply add to the gate's input. */
export function summedBias(b: FloatArray, offset: number, width: number): Float64Array {
  const row = new Float64Array(width);
  for (let j = 0; j < width; j++) row[j] = b[offset + j] + b[offset + width + j];
  return row;
}

export function clamp(x: number, bound: number): number {
  return x > bound ? bound : x < -bound ? -bound : x;
}

/**
 * target[b, 0 .. gateCount*hidden) = beta * target + source[b, :] · R[gates firstGate ..]^T for
 * every batch row, with target's rows `targetStride` apart from `targetOffset`, on R packed
 * where the context has it so.
 */
export function recurrentProduct(
  context: DirectionContext, source: FloatArray, firstGate: number, gateCount: number,
  target: FloatArray, targetOffset: number, targetStride: number, beta: 0 | 1,
): void {
  const { batch, hidden, r, rOffset } = context;
  const op: GemmOperands = {
    m: batch, n: gateCount * hidden, k: hidden,
    a: source, aOffset: 0, lda: hidden, transA: false,
    b: r, bOffset: rOffset + firstGate * hidden * hidden, ldb: hidden, transB: true,
    c: target, cOffset: targetOffset, ldc: targetStride,
    alpha: 1, beta, constantB: context.packedR.constant,
  };
  const { blocks } = context.packedR;
  const packed = blocks && packedB(blocks, op.bOffset * 8 + gateCount, op);
  if (!packed || !wasmGemmF32(op, packed)) gemm(op);
}

/** Adds source · R[gates firstGate ..]^T into the step's projected inputs of those gates. */
export function addRecurrentProduct(
  context: DirectionContext, step: Step, source: FloatArray, firstGate: number, gateCount: number,
): void {
  recurrentProduct(context, source, firstGate, gateCount, step.gates, step.offset + firstGate * context.hidden, step.stride, 1);
}
