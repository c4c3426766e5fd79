/**
 * What the recurrence driver asks of a cell (RNN, GRU, LSTM): how B enters the input
 * projection and how one step advances the states, plus the pieces the cells share.
 */
import type { DirectionSteps } from '../../backends/wasm/recurrent-steps-host.js';
import { wasmGemmF32, type PackedBF32 } from '../../backends/wasm/wasm-gemm.js';
import { gemm, type FloatArray, type GemmOperands } from '../linalg/gemm-core.js';
import type { Activation } from './activations.js';
import { packedB, type WeightPacking } from './packed-weights.js';
import type { RecurrentShape } from './recurrent-inputs.js';
import type { RecurrentScratch } from './recurrent-scratch.js';

/** One time step of one direction. */
export interface Step {
  /** Where this step's rows of DirectionContext.gates start: batch entry b's at offset + b * gateStride. */
  readonly offset: number;
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
  /** The input projection X·W^T + bias of every step, which the steps complete in place. */
  readonly gates: FloatArray;
  /** Elements between the rows of two batch entries of one step in `gates`. */
  readonly gateStride: number;
  /** The node's buffers kept between calls, for the cell's own scratch (recurrent-scratch.ts slots). */
  readonly scratch: RecurrentScratch;
}

/** Where one direction's steps read and write, for a cell that runs them all at once (every batch entry's sequence whole). */
export interface WholeDirection {
  readonly steps: number;
  readonly reverse: boolean;
  /** Step t's gate row of batch entry b in DirectionContext.gates starts at gatesOffset + t * gateStep + b * gateStride. */
  readonly gatesOffset: number;
  readonly gateStep: number;
  /** Step t's Ht of batch entry b goes to y at yOffset + t * yStep + b * yBatchStep. */
  readonly y: FloatArray;
  readonly yOffset: number;
  readonly yStep: number;
  readonly yBatchStep: number;
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
  /**
   * Runs every step of one direction at once, leaving the final states in context.states and
   * each step's Ht in Y; false, with nothing changed, where it cannot (the driver then steps).
   */
  wholeDirection?(context: DirectionContext, run: WholeDirection): boolean;
}

/** Wb + Rb for every gate, for cells where both biases simply add to the gate's input. */
export function summedBias(b: FloatArray, offset: number, width: number): Float64Array {
  const row = new Float64Array(width);
  for (let j = 0; j < width; j++) row[j] = b[offset + j] + b[offset + width + j];
  return row;
}

/** The module's view of one direction (recurrent-steps-host.ts), for cells whose operands are all float32. */
export function directionSteps(context: DirectionContext, run: WholeDirection, gates: Float32Array, r: Float32Array, y: Float32Array): DirectionSteps {
  return {
    gates, gatesOffset: run.gatesOffset, gateStep: run.gateStep, gateBatchStep: context.gateStride, r, rOffset: context.rOffset, constantR: context.packedR.constant,
    y, yOffset: run.yOffset, yStep: run.yStep, yBatchStep: run.yBatchStep,
    steps: run.steps, batch: context.batch, hidden: context.hidden, reverse: run.reverse,
  };
}

export function clamp(x: number, bound: number): number {
  return x > bound ? bound : x < -bound ? -bound : x;
}

type MutableOperands = { -readonly [K in keyof GemmOperands]: GemmOperands[K] };

/**
 * target[b, 0 .. gateCount*hidden) = beta * target + source[b, :] · R[gates firstGate ..]^T for
 * every batch row, target's rows `targetStride` apart from targetBase plus the offset run() is
 * given, on R packed where the context has it so. Built once per direction, so a step neither
 * allocates operands nor looks its packed R up again.
 */
export class RecurrentProduct {
  private readonly op: MutableOperands;
  private readonly packed: PackedBF32 | null;
  /** Whether the product is below what gemm() hands to WebAssembly: then run() does it inline, without gemm()'s dispatch per step. */
  private readonly small: boolean;

  constructor(
    context: DirectionContext, source: FloatArray, firstGate: number, gateCount: number,
    target: FloatArray, private readonly targetBase: number, targetStride: number, beta: 0 | 1,
  ) {
    const { batch, hidden, r, rOffset } = context;
    this.op = {
      m: batch, n: gateCount * hidden, k: hidden,
      a: source, aOffset: 0, lda: hidden, transA: false,
      b: r, bOffset: rOffset + firstGate * hidden * hidden, ldb: hidden, transB: true,
      c: target, cOffset: 0, ldc: targetStride,
      alpha: 1, beta, constantB: context.packedR.constant,
    };
    this.small = batch * gateCount * hidden * hidden < INLINE_MAX_WORK;
    const { blocks } = context.packedR;
    this.packed = blocks && !this.small ? packedB(blocks, this.op.bOffset * 8 + gateCount, this.op) : null;
  }

  run(targetOffset: number): void {
    const op = this.op;
    op.cOffset = this.targetBase + targetOffset;
    if (this.small) smallProduct(op);
    else if (!this.packed || !wasmGemmF32(op, this.packed)) gemm(op);
  }
}

/** Below this many multiply-adds gemm() computes in TypeScript too (its WASM_MIN_WORK). */
const INLINE_MAX_WORK = 1024;

/** C = beta * C + A · B^T for A [m, k] (row stride lda), B stored [n, k] (row stride ldb), alpha 1: gemm()'s dot-product loop. */
function smallProduct(op: MutableOperands): void {
  const { m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, beta } = op;
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * lda;
    const cRow = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      const bRow = bOffset + j * ldb;
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[aRow + p] * b[bRow + p];
      c[cRow + j] = beta === 0 ? sum : sum + c[cRow + j];
    }
  }
}

/** Adds source · R[gates firstGate ..]^T into a step's projected inputs of those gates: run(step.offset). */
export function gateProduct(context: DirectionContext, source: FloatArray, firstGate: number, gateCount: number): RecurrentProduct {
  return new RecurrentProduct(context, source, firstGate, gateCount, context.gates, firstGate * context.hidden, context.gateStride, 1);
}
