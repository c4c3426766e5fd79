/**
 * Runs a recurrent op over its directions: one GEMM projects every step's input (X·W^T plus the
 * step-independent biases), then the cell advances the states a step at a time, or all steps of
 * a direction at once where it can and every batch entry's sequence is whole (the WebAssembly
 * steps of recurrent-steps-host.ts). Batch entries past their sequence_lens keep their states,
 * so Y_h and Y_c hold each entry's last valid step and Y stays zero beyond it. An entry of
 * length 0 is padding: its final states are zero, not its initial ones, as onnxruntime has it.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import type { Shape } from '../../tensor/shape.js';
import { gemm, type FloatArray, type GemmOperands } from '../linalg/gemm-core.js';
import type { KernelContext, KernelInputs } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeOutput, tensorFromCompute } from '../support/numeric.js';
import type { Cell, DirectionContext, Step } from './cell.js';
import { weightPacking } from './packed-weights.js';
import type { RecurrentAttributes } from './recurrent-attributes.js';
import { readRecurrentInputs, type RecurrentInputs } from './recurrent-inputs.js';
import { ScratchSlot, type RecurrentScratch } from './recurrent-scratch.js';
import type { SequenceLayout } from './sequence-layout.js';

/** Y, Y_h, then Y_c for LSTM. */
export function runRecurrence(inputs: KernelInputs, attrs: RecurrentAttributes, cell: Cell, scratch: RecurrentScratch, context?: KernelContext): DenseTensor[] {
  const io = readRecurrentInputs(inputs, attrs, cell.shape, scratch.layout);
  scratch.layout = io.layout;
  const { layout, type } = io;
  const { seqLength, batch, directions, hidden } = layout;
  const width = cell.shape.gates * hidden;
  // Outputs come from the run's arena where there is one: in the WebAssembly heap the step
  // products read and write them where they lie, and a streaming model's calls leave no garbage.
  const zeroed = !wholeSequences(io.lengths, seqLength);
  const y = outputStorage(context, type, layout.yDims, zeroed);
  // Built by push, not map(): map()'s results came with maps that differed from call to call,
  // and each mismatch deoptimized this function.
  const finalStates: FloatArray[] = [];
  for (let k = 0; k < io.initialStates.length; k++) finalStates.push(outputStorage(context, type, layout.stateDims, zeroed));
  const projection = projectionStorage(context, type, seqLength * batch * width, scratch, io.x);
  const active = scratch.activeFlags(batch);
  const packedR = weightPacking(tensorInput(inputs, 2, 'R'), seqLength, context, scratch);
  const w = tensorInput(inputs, 1, 'W');
  const constantW = context?.isConstant?.(w) ? w : undefined;
  const bTensor = optionalTensorInput(inputs, 3, 'B');
  const constantB = bTensor && context?.isConstant?.(bTensor) ? bTensor : undefined;

  for (let d = 0; d < directions; d++) {
    projectInputs(io, d, width, projection, constantW, projectionBias(io, cell, d, width, constantB, scratch));
    const states: FloatArray[] = [];
    for (let k = 0; k < io.initialStates.length; k++) {
      states.push(loadState(io.initialStates[k], layout, d, scratch.buffer(ScratchSlot.State + k, io.x, batch * hidden)));
    }
    const context: DirectionContext = {
      batch,
      hidden,
      r: io.r,
      rOffset: d * width * hidden,
      b: io.b,
      bOffset: d * 2 * width,
      p: io.p,
      pOffset: d * 3 * hidden,
      activations: attrs.activations[d],
      clip: attrs.clip,
      states,
      packedR,
      gates: projection,
      gateStride: layout.batchRowStride * width,
      scratch,
    };
    const reverse = attrs.direction === 'reverse' || d === 1;
    if (!runWhole(cell, context, layout, io.lengths, d, reverse, y)) runSteps(cell.direction(context), context, layout, width, io.lengths, d, reverse, y, active);
    for (let k = 0; k < states.length; k++) storeState(states[k], finalStates[k], layout, d, io.lengths);
  }
  const outputs = [tensorFromCompute(type, layout.yDims, y)];
  for (let k = 0; k < finalStates.length; k++) outputs.push(tensorFromCompute(type, layout.stateDims, finalStates[k]));
  return outputs;
}

/** Direction d's steps at once where the cell can take them: every batch entry's sequence whole. */
function runWhole(cell: Cell, context: DirectionContext, layout: SequenceLayout, lengths: readonly number[], d: number, reverse: boolean, y: FloatArray): boolean {
  const { seqLength, batch } = layout;
  if (!cell.wholeDirection || seqLength === 0 || batch === 0) return false;
  for (let b = 0; b < batch; b++) if (lengths[b] !== seqLength) return false;
  const width = cell.shape.gates * layout.hidden;
  const yOffset = layout.yOffset(0, d, 0);
  return cell.wholeDirection(context, {
    steps: seqLength,
    reverse,
    gatesOffset: layout.xRow(0, 0) * width,
    gateStep: seqLength > 1 ? (layout.xRow(1, 0) - layout.xRow(0, 0)) * width : 0,
    y,
    yOffset,
    yStep: seqLength > 1 ? layout.yOffset(1, d, 0) - yOffset : 0,
    yBatchStep: batch > 1 ? layout.yOffset(0, d, 1) - yOffset : 0,
  });
}

/** Direction d a step at a time; batch entries past their lengths sit the steps out. */
function runSteps(
  step: (step: Step) => void, context: DirectionContext, layout: SequenceLayout, width: number, lengths: readonly number[],
  d: number, reverse: boolean, y: FloatArray, active: Uint8Array,
): void {
  const { seqLength, batch, hidden } = layout;
  const h = context.states[0];
  const stepInput = { offset: 0, active };
  for (let s = 0; s < seqLength; s++) {
    const t = reverse ? seqLength - 1 - s : s;
    for (let b = 0; b < batch; b++) active[b] = t < lengths[b] ? 1 : 0;
    stepInput.offset = layout.xRow(t, 0) * width;
    step(stepInput);
    for (let b = 0; b < batch; b++) {
      if (active[b]) copyVector(h, b * hidden, y, layout.yOffset(t, d, b), hidden);
    }
  }
}

/** Whether every batch entry runs every step (and there is one): then each element of Y and of the final states gets written. */
function wholeSequences(lengths: readonly number[], seqLength: number): boolean {
  if (seqLength === 0) return false;
  for (let b = 0; b < lengths.length; b++) if (lengths[b] !== seqLength) return false;
  return true;
}

/**
 * An output's storage, zeroed where asked: Y and the final states keep zeros where a sequence
 * ends early, and arena storage holds whatever the last run left.
 */
function outputStorage(context: KernelContext | undefined, type: DataType, dims: Shape, zeroed: boolean): FloatArray {
  const storage = computeOutput(context, type, dims) as FloatArray;
  return zeroed ? storage.fill(0) : storage;
}

/**
 * Below this many elements the input projection stays in the node's scratch; larger ones go to
 * the arena, where the WebAssembly products address them without copies.
 */
const ARENA_MIN_ELEMENTS = 1024;

/** The input projection's storage: the node's scratch where it is too small for the arena to pay. */
function projectionStorage(context: KernelContext | undefined, type: DataType, size: number, scratch: RecurrentScratch, like: FloatArray): FloatArray {
  if (size < ARENA_MIN_ELEMENTS) return scratch.buffer(ScratchSlot.Projection, like, size);
  return computeOutput(context, type, [size]) as FloatArray;
}

/** Direction d's projection bias row, kept by the node where B is a model constant. */
function projectionBias(io: RecurrentInputs, cell: Cell, d: number, width: number, constantB: DenseTensor | undefined, scratch: RecurrentScratch): Float64Array | undefined {
  if (!io.b) return undefined;
  const kept = constantB && scratch.biasRow(constantB, d);
  if (kept) return kept;
  const row = cell.projectionBias(io.b, d * 2 * width, io.layout.hidden);
  if (constantB) scratch.keepBiasRow(constantB, d, row);
  return row;
}

/**
 * projection[row] = X[row] · W[d]^T + bias, for every row of X (steps and batch entries); the
 * GEMM keeps a constant W packed from one run to the next.
 */
function projectInputs(io: RecurrentInputs, d: number, width: number, projection: FloatArray, constantW: object | undefined, bias: Float64Array | undefined): void {
  const { seqLength, batch } = io.layout;
  const rows = seqLength * batch;
  if (bias) fillRows(projection, bias, rows, width);
  const op: GemmOperands = {
    m: rows, n: width, k: io.inputSize,
    a: io.x, aOffset: 0, lda: io.inputSize, transA: false,
    b: io.w, bOffset: d * width * io.inputSize, ldb: io.inputSize, transB: true,
    c: projection, cOffset: 0, ldc: width,
    alpha: 1, beta: bias ? 1 : 0, constantB: constantW,
  };
  gemm(op);
}

/**
 * The first `rows` rows of `target` set to `row`: converted once, then doubled by copyWithin
 * (a memmove), where a set() per row would convert the float64 row again each time.
 */
function fillRows(target: FloatArray, row: Float64Array, rows: number, width: number): void {
  if (rows === 0) return;
  target.set(row, 0);
  const end = rows * width;
  for (let filled = width; filled < end; filled *= 2) target.copyWithin(filled, 0, Math.min(filled, end - filled));
}

/** Direction d's [batch, hidden] state into `state`: the initial-state tensor's where there is one, else zeros. */
function loadState(initial: FloatArray | undefined, layout: SequenceLayout, d: number, state: FloatArray): FloatArray {
  const { batch, hidden } = layout;
  if (!initial) return state.fill(0);
  for (let b = 0; b < batch; b++) copyVector(initial, layout.stateOffset(d, b), state, b * hidden, hidden);
  return state;
}

function storeState(state: FloatArray, target: FloatArray, layout: SequenceLayout, d: number, lengths: readonly number[]): void {
  const { batch, hidden } = layout;
  for (let b = 0; b < batch; b++) {
    if (lengths[b] > 0) copyVector(state, b * hidden, target, layout.stateOffset(d, b), hidden);
  }
}

/** A plain loop: state vectors are short, and a subarray per vector would cost more than the copy. */
function copyVector(source: FloatArray, from: number, target: FloatArray, to: number, length: number): void {
  for (let j = 0; j < length; j++) target[to + j] = source[from + j];
}
