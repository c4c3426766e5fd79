/**
 * The steps of one LSTM or GRU direction, for batch entries whose sequences are whole, on the
 * elementwise module (wasm/assembly/lstm-steps.ts, gru-steps.ts): one call instead of a
 * product call, activation calls and state loops per step. The gates (the input projection, completed in place) and Y
 * are addressed where they lie in the GEMM heap (a run's arena), else copied in (and Y out); a
 * constant R stays in the heap from call to call, any other is copied in whole (about one step's
 * product); the states and the cell's other operands go to scratch.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';
import { residentWeightsOn } from './resident-conv-weights.js';
import { WasmHeap } from './wasm-heap.js';

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
  /** R's tensor where it is a model constant: its rows are then kept in the heap from call to call. */
  readonly constantR: object | undefined;
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

/**
 * Float counts of one call's scratch buffers, reused from call to call (a streaming model makes
 * many small calls): gates, Y (where they must be copied), R, GRU's products, h, then LSTM's c
 * or GRU's Rbh.
 */
const counts = [0, 0, 0, 0, 0, 0];

/**
 * An R that is not a model constant is copied in whole per call, which costs about one product
 * with it: a larger one goes here only over this many products, and otherwise a step at a time.
 * A constant R is kept in the heap (resident-conv-weights.ts), so any call pays.
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

/** LSTM (second = c, in and out) or GRU (second = Rbh from secondOffset, in only), on one instance. */
function runDirection(
  exports: ElementwiseExports, memory: ElementwiseMemory, op: DirectionSteps, lstm: boolean, h: Float32Array, second: Float32Array, secondOffset: number,
): boolean {
  const { gates, r, y, batch, hidden } = op;
  const width = (lstm ? 4 : 3) * hidden;
  const gateSpan = span(op, op.gateStep, op.gateBatchStep, width);
  const ySpan = span(op, op.yStep, op.yBatchStep, hidden);
  const gatesHere = memory.holds(gates);
  const yHere = memory.holds(y);
  const rLength = width * hidden;
  if ((!gatesHere && gateSpan > MAX_COPIED) || (!yHere && ySpan > MAX_COPIED) || rLength > MAX_COPIED) return false;
  const states = batch * hidden;
  const secondLength = lstm ? states : hidden;
  counts[0] = gatesHere ? 0 : gateSpan;
  counts[1] = yHere ? 0 : ySpan;
  counts[2] = rLength;
  counts[3] = lstm ? 0 : width;
  counts[4] = states;
  counts[5] = secondLength;
  const offsets = memory.scratch(counts);
  if (!offsets) return false;
  const heap = memory.f32;
  const gatesAt = gatesHere ? addressOf(gates, op.gatesOffset) : copyIn(heap, offsets[0], gates, op.gatesOffset, gateSpan);
  // Y rows between the steps' rows (other directions, other batch entries) are kept: copied in with them.
  const yAt = yHere ? addressOf(y, op.yOffset) : copyIn(heap, offsets[1], y, op.yOffset, ySpan);
  const rAt = residentR(memory, op, rLength) ?? copyIn(heap, offsets[2], r, op.rOffset, rLength);
  const hAt = copyIn(heap, offsets[4], h, 0, states);
  const secondAt = copyIn(heap, offsets[5], second, secondOffset, secondLength);
  const gateStep = 4 * op.gateStep;
  const gateBatchStep = 4 * op.gateBatchStep;
  const yStep = 4 * op.yStep;
  const yBatchStep = 4 * op.yBatchStep;
  const reverse = op.reverse ? 1 : 0;
  if (lstm) exports.lstmSteps(gatesAt, gateStep, gateBatchStep, rAt, hAt, secondAt, yAt, yStep, yBatchStep, op.steps, batch, hidden, reverse);
  else exports.gruSteps(gatesAt, gateStep, gateBatchStep, rAt, secondAt, hAt, offsets[3], yAt, yStep, yBatchStep, op.steps, batch, hidden, reverse);
  if (!yHere) copyOut(heap, yAt, y, op.yOffset, ySpan);
  copyOut(heap, hAt, h, 0, states);
  if (lstm) copyOut(heap, secondAt, second, 0, states);
  traffic.operandsInPlace += +gatesHere + +yHere;
  return true;
}

/**
 * Where a constant R's rows lie in the heap when `memory` is the GEMM heap: copied there by the
 * first call that meets them and kept while the constant lives. Undefined otherwise (the call
 * copies R into scratch).
 */
function residentR(memory: ElementwiseMemory, op: DirectionSteps, rLength: number): number | undefined {
  if (op.constantR === undefined || !(memory instanceof WasmHeap)) return undefined;
  return residentWeightsOn(memory).address(op.constantR, `recurrent R from ${op.rOffset}`, rLength, (at) => {
    memory.f32.set(op.r.subarray(op.rOffset, op.rOffset + rLength), at / 4);
    return true;
  });
}

/**
 * Whether a direction of these sizes is worth the module's steps (R's copy against the per-step
 * path; nothing to weigh for a constant R); cells ask before gathering operands.
 */
export function wholeDirectionPays(gateCount: number, steps: number, batch: number, hidden: number, constantR: boolean): boolean {
  if (steps === 0 || batch === 0 || hidden === 0) return false;
  return constantR || steps * batch >= MIN_PRODUCTS || gateCount * hidden * hidden <= SMALL_R;
}

function inModule(op: DirectionSteps, lstm: boolean, h: Float32Array, second: Float32Array, secondOffset: number): boolean {
  if (!wholeDirectionPays(lstm ? 4 : 3, op.steps, op.batch, op.hidden, op.constantR !== undefined)) return false;
  return inElementwiseModule((exports, memory) => runDirection(exports, memory, op, lstm, h, second, secondOffset));
}

/**
 * LSTM with the default functions and no peepholes, clip or input_forget: every step of the
 * direction, h and c ([batch, hidden] each) holding the initial states in and the final ones
 * out. False, with nothing changed, where the module cannot (WebAssembly kernels off or not
 * loaded, too few steps for a large R, operands too large, scratch that cannot grow now).
 */
export function wasmLstmDirectionF32(op: DirectionSteps, h: Float32Array, c: Float32Array): boolean {
  return inModule(op, true, h, c, 0);
}

/**
 * GRU with linear_before_reset, the default functions and no clip: as wasmLstmDirectionF32, h
 * the state; Rbh (hidden floats) from rbh at rbhOffset.
 */
export function wasmGruDirectionF32(op: DirectionSteps, h: Float32Array, rbh: Float32Array, rbhOffset: number): boolean {
  return inModule(op, false, h, rbh, rbhOffset);
}
