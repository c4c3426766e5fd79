/**
 * The steps of one LSTM direction for one batch entry on the elementwise module
 * (wasm/assembly/lstm-steps.ts): one call instead of a product call, activation calls and
 * state loops per step. The gates (the input projection, completed in place) and Y are
 * addressed where they lie in the GEMM heap (a run's arena), else copied in (and Y out); R
 * (copied in whole, which costs about one step's product) and the two states go to scratch.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';

export interface LstmDirectionOperands {
  /** Step t's 4 * hidden gates (i, o, f, c) at gatesOffset + t * gateStep: overwritten. */
  readonly gates: Float32Array;
  readonly gatesOffset: number;
  readonly gateStep: number;
  /** This direction's R: 4 * hidden rows of hidden, from rOffset. */
  readonly r: Float32Array;
  readonly rOffset: number;
  /** The initial states in, the final ones out: hidden floats each. */
  readonly h: Float32Array;
  readonly c: Float32Array;
  /** Step t's Ht goes to y at yOffset + t * yStep. */
  readonly y: Float32Array;
  readonly yOffset: number;
  readonly yStep: number;
  readonly steps: number;
  readonly hidden: number;
  readonly reverse: boolean;
}

/**
 * Fewer steps go a step at a time: R's copy costs about one step's product, where the per-step
 * path reads a constant R from panels kept in the heap (a streaming model's one-step calls).
 */
const MIN_STEPS = 4;

/** Operands larger than this (floats) stay in TypeScript rather than grow scratch so far. */
const MAX_COPIED = 1 << 22;

/** Floats from `offset` up to the end of the last of `count` rows of `width`, `step` apart. */
function span(count: number, step: number, width: number): number {
  return (count - 1) * step + width;
}

function runDirection(exports: ElementwiseExports, memory: ElementwiseMemory, op: LstmDirectionOperands): boolean {
  const { gates, r, h, c, y, steps, hidden } = op;
  const width = 4 * hidden;
  const gateSpan = span(steps, op.gateStep, width);
  const ySpan = span(steps, op.yStep, hidden);
  const gatesHere = memory.holds(gates);
  const yHere = memory.holds(y);
  const rLength = width * hidden;
  if ((!gatesHere && gateSpan > MAX_COPIED) || (!yHere && ySpan > MAX_COPIED) || rLength > MAX_COPIED) return false;
  const offsets = memory.scratch([gatesHere ? 0 : gateSpan, yHere ? 0 : ySpan, rLength, hidden, hidden]);
  if (!offsets) return false;
  const [gatesScratch, yScratch, rAt, hAt, cAt] = offsets;
  const heap = memory.f32;
  const gatesAt = gatesHere ? addressOf(gates, op.gatesOffset) : copyIn(heap, gatesScratch, gates, op.gatesOffset, gateSpan);
  // Y rows between the steps' rows (other directions, other batch entries) are kept: copied in with them.
  const yAt = yHere ? addressOf(y, op.yOffset) : copyIn(heap, yScratch, y, op.yOffset, ySpan);
  copyIn(heap, rAt, r, op.rOffset, rLength);
  copyIn(heap, hAt, h, 0, hidden);
  copyIn(heap, cAt, c, 0, hidden);
  exports.lstmSteps(gatesAt, 4 * op.gateStep, rAt, hAt, cAt, yAt, 4 * op.yStep, steps, hidden, op.reverse ? 1 : 0);
  if (!yHere) copyOut(heap, yAt, y, op.yOffset, ySpan);
  copyOut(heap, hAt, h, 0, hidden);
  copyOut(heap, cAt, c, 0, hidden);
  traffic.operandsInPlace += +gatesHere + +yHere;
  return true;
}

/**
 * Runs every step of the direction; false, with nothing changed, where the module cannot
 * (WebAssembly kernels off or not loaded, too few steps, operands too large, scratch that cannot
 * grow now).
 */
export function wasmLstmDirectionF32(op: LstmDirectionOperands): boolean {
  if (op.steps < MIN_STEPS || op.hidden === 0) return false;
  return inElementwiseModule((exports, memory) => runDirection(exports, memory, op));
}
