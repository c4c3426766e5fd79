/**
 * The steps of one LSTM or GRU direction for one batch entry on the elementwise module
 * (wasm/assembly/lstm-steps.ts, gru-steps.ts): one call instead of a product call, activation
 * calls and state loops per step. The gates (the input projection, completed in place) and Y
 * are addressed where they lie in the GEMM heap (a run's arena), else copied in (and Y out); R
 * (copied in whole, which costs about one step's product), the states and the cell's other
 * operands go to scratch.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';

/** What every cell's direction reads and writes. */
export interface DirectionSteps {
  /** Step t's gates (gates * hidden floats) at gatesOffset + t * gateStep: overwritten. */
  readonly gates: Float32Array;
  readonly gatesOffset: number;
  readonly gateStep: number;
  /** This direction's R: gates * hidden rows of hidden, from rOffset. */
  readonly r: Float32Array;
  readonly rOffset: number;
  /** Step t's Ht goes to y at yOffset + t * yStep. */
  readonly y: Float32Array;
  readonly yOffset: number;
  readonly yStep: number;
  readonly steps: number;
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
 * Fewer steps go a step at a time: R's copy costs about one step's product, where the per-step
 * path reads a constant R from panels kept in the heap (a streaming model's one-step calls).
 */
const MIN_STEPS = 4;

/** Operands larger than this (floats) stay in TypeScript rather than grow scratch so far. */
const MAX_COPIED = 1 << 22;

/** Floats from the first of `count` rows of `width`, `step` apart, to the end of the last. */
function span(count: number, step: number, width: number): number {
  return (count - 1) * step + width;
}

function runDirection(
  exports: ElementwiseExports, memory: ElementwiseMemory, op: DirectionSteps, gateCount: number,
  vectors: readonly CellVector[], scratchFloats: number, call: StepsCall,
): boolean {
  const { gates, r, y, steps, hidden } = op;
  const width = gateCount * hidden;
  const gateSpan = span(steps, op.gateStep, width);
  const ySpan = span(steps, op.yStep, hidden);
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
  if (op.steps < MIN_STEPS || op.hidden === 0) return false;
  return inElementwiseModule((exports, memory) => runDirection(exports, memory, op, gateCount, vectors, scratchFloats, call));
}

/**
 * LSTM with the default functions and no peepholes, clip or input_forget: every step of the
 * direction, h and c (hidden floats each) holding the initial states in and the final ones out.
 * False, with nothing changed, where the module cannot (WebAssembly kernels off or not loaded,
 * too few steps, operands too large, scratch that cannot grow now).
 */
export function wasmLstmDirectionF32(op: DirectionSteps, h: Float32Array, c: Float32Array): boolean {
  const { hidden } = op;
  const vectors = [{ source: h, offset: 0, length: hidden, result: true }, { source: c, offset: 0, length: hidden, result: true }];
  return inModule(op, 4, vectors, 0, (exports, gatesAt, rAt, yAt, [hAt, cAt]) => {
    exports.lstmSteps(gatesAt, 4 * op.gateStep, rAt, hAt, cAt, yAt, 4 * op.yStep, op.steps, hidden, op.reverse ? 1 : 0);
  });
}

/**
 * GRU with linear_before_reset, the default functions and no clip: as wasmLstmDirectionF32, h
 * the state; Rbh (hidden floats) from rbh at rbhOffset.
 */
export function wasmGruDirectionF32(op: DirectionSteps, h: Float32Array, rbh: Float32Array, rbhOffset: number): boolean {
  const { hidden } = op;
  const vectors = [{ source: h, offset: 0, length: hidden, result: true }, { source: rbh, offset: rbhOffset, length: hidden, result: false }];
  return inModule(op, 3, vectors, 3 * hidden, (exports, gatesAt, rAt, yAt, [hAt, rbhAt], productAt) => {
    exports.gruSteps(gatesAt, 4 * op.gateStep, rAt, rbhAt, hAt, productAt, yAt, 4 * op.yStep, op.steps, hidden, op.reverse ? 1 : 0);
  });
}
