/**
 * The steps of one LSTM or GRU direction, for batch entries whose sequences are whole, on the
 * elementwise module (wasm/assembly/lstm-steps.ts, gru-steps.ts): one call instead of a
 * product call, activation calls and state loops per step. The gates (the input projection, completed in place) and Y
 * are addressed where they lie in the GEMM heap (a run's arena), else copied in (and Y out); R
 * (copied in whole, which costs about one step's product), the states and the cell's other
 * operands go to scratch.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';

/** What every cell's direction reads and writes. */
export interface DirectionSteps {
  /** Step t's gates (gates * hidden floats) for batch entry b at gatesOffset + t * gateStep + b * gateBatchStep: overwritten. */
  readonly gates: Float32Array;
  readonly gatesOffset: number;
  readonly gateStep: number;
  readonly gateBatchStep: number;
  /** This direction's R: gates * hidden rows of hidden, from rOffset. */
  readonly r: Float32Array;
  readonly rOffset: number;
  /** Step t's Ht of batch entry b goes to y at yOffset + t * yStep + b * yBatchStep. */
  readonly y: Float32Array;
  readonly yOffset: number;
  readonly yStep: number;
  readonly yBatchStep: number;
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
  readonly reverse: boolean;
}

/** A cell's own vectors in and out of scratch: `source` from `offset`, `length` floats; copied back where `result`. */
interface CellVector {
  readonly source: Float32Array;
  readonly offset: number;
  readonly length: number;
  readonly result: boolean;
}

/** The module's steps, given the byte addresses of gates, R, Y and each CellVector (then scratch of `scratchFloats`). */
type StepsCall = (exports: ElementwiseExports, gatesAt: number, rAt: number, yAt: number, vectors: number[], scratchAt: number) => void;

/**
 * R is copied in whole per call, which costs about one product with it: a larger R goes here
 * only over this many products, and otherwise a step at a time, where the per-step path reads
 * a constant R from panels kept in the heap (a streaming model's one-step calls with a large R).
 */
const MIN_PRODUCTS = 4;
/** An R this small (floats) costs less to copy than a call into the module. */
const SMALL_R = 4096;

/** Operands larger than this (floats) stay in TypeScript rather than grow scratch so far. */
const MAX_COPIED = 1 << 22;

/** Floats from the first row to the end of the last, for rows of `width` at t * step + b * batchStep. */
function span(op: DirectionSteps, step: number, batchStep: number, width: number): number {
  return (op.steps - 1) * step + (op.batch - 1) * batchStep + width;
}

function runDirection(
  exports: ElementwiseExports, memory: ElementwiseMemory, op: DirectionSteps, gateCount: number,
  vectors: readonly CellVector[], scratchFloats: number, call: StepsCall,
): boolean {
  const { gates, r, y, hidden } = op;
  const width = gateCount * hidden;
  const gateSpan = span(op, op.gateStep, op.gateBatchStep, width);
  const ySpan = span(op, op.yStep, op.yBatchStep, hidden);
  const gatesHere = memory.holds(gates);
  const yHere = memory.holds(y);
  const rLength = width * hidden;
  if ((!gatesHere && gateSpan > MAX_COPIED) || (!yHere && ySpan > MAX_COPIED) || rLength > MAX_COPIED) return false;
  const offsets = memory.scratch([gatesHere ? 0 : gateSpan, yHere ? 0 : ySpan, rLength, scratchFloats, ...vectors.map((v) => v.length)]);
  if (!offsets) return false;
  const [gatesScratch, yScratch, rAt, scratchAt, ...vectorsAt] = offsets;
  const heap = memory.f32;
  const gatesAt = gatesHere ? addressOf(gates, op.gatesOffset) : copyIn(heap, gatesScratch, gates, op.gatesOffset, gateSpan);
  // Y rows between the steps' rows (other directions, other batch entries) are kept: copied in with them.
  const yAt = yHere ? addressOf(y, op.yOffset) : copyIn(heap, yScratch, y, op.yOffset, ySpan);
  copyIn(heap, rAt, r, op.rOffset, rLength);
  for (let i = 0; i < vectors.length; i++) copyIn(heap, vectorsAt[i], vectors[i].source, vectors[i].offset, vectors[i].length);
  call(exports, gatesAt, rAt, yAt, vectorsAt, scratchAt);
  if (!yHere) copyOut(heap, yAt, y, op.yOffset, ySpan);
  for (let i = 0; i < vectors.length; i++) {
    if (vectors[i].result) copyOut(heap, vectorsAt[i], vectors[i].source, vectors[i].offset, vectors[i].length);
  }
  traffic.operandsInPlace += +gatesHere + +yHere;
  return true;
}

function inModule(op: DirectionSteps, gateCount: number, vectors: readonly CellVector[], scratchFloats: number, call: StepsCall): boolean {
  const { steps, batch, hidden } = op;
  if (steps === 0 || batch === 0 || hidden === 0) return false;
  if (steps * batch < MIN_PRODUCTS && gateCount * hidden * hidden > SMALL_R) return false;
  return inElementwiseModule((exports, memory) => runDirection(exports, memory, op, gateCount, vectors, scratchFloats, call));
}

/**
 * LSTM with the default functions and no peepholes, clip or input_forget: every step of the
 * direction, h and c ([batch, hidden] each) holding the initial states in and the final ones
 * out. False, with nothing changed, where the module cannot (WebAssembly kernels off or not
 * loaded, too few steps for a large R, operands too large, scratch that cannot grow now).
 */
export function wasmLstmDirectionF32(op: DirectionSteps, h: Float32Array, c: Float32Array): boolean {
  const states = op.batch * op.hidden;
  const vectors = [{ source: h, offset: 0, length: states, result: true }, { source: c, offset: 0, length: states, result: true }];
  return inModule(op, 4, vectors, 0, (exports, gatesAt, rAt, yAt, [hAt, cAt]) => {
    exports.lstmSteps(
      gatesAt, 4 * op.gateStep, 4 * op.gateBatchStep, rAt, hAt, cAt, yAt, 4 * op.yStep, 4 * op.yBatchStep, op.steps, op.batch, op.hidden, op.reverse ? 1 : 0,
    );
  });
}

/**
 * GRU with linear_before_reset, the default functions and no clip: as wasmLstmDirectionF32, h
 * the state; Rbh (hidden floats) from rbh at rbhOffset.
 */
export function wasmGruDirectionF32(op: DirectionSteps, h: Float32Array, rbh: Float32Array, rbhOffset: number): boolean {
  const { hidden } = op;
  const vectors = [{ source: h, offset: 0, length: op.batch * hidden, result: true }, { source: rbh, offset: rbhOffset, length: hidden, result: false }];
  return inModule(op, 3, vectors, 3 * hidden, (exports, gatesAt, rAt, yAt, [hAt, rbhAt], productAt) => {
    exports.gruSteps(
      gatesAt, 4 * op.gateStep, 4 * op.gateBatchStep, rAt, rbhAt, hAt, productAt, yAt, 4 * op.yStep, 4 * op.yBatchStep, op.steps, op.batch, hidden, op.reverse ? 1 : 0,
    );
  });
}
