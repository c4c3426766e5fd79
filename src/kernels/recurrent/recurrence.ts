/**
 * Runs a recurrent op over its directions: one GEMM projects every step's input (X·W^T plus the
 * step-independent biases), then the cell advances the states a step at a time. Batch entries
 * past their sequence_lens keep their states, so Y_h and Y_c hold each entry's last valid step
 * and Y stays zero beyond it. An entry of length 0 is padding: its final states are zero, not
 * its initial ones, as onnxruntime has it.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { sizeOf, type Shape } from '../../tensor/shape.js';
import { gemm, type FloatArray, type GemmOperands } from '../linalg/gemm-core.js';
import type { KernelContext, KernelInputs } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeOutput, tensorFromCompute } from '../support/numeric.js';
import type { Cell } from './cell.js';
import { weightPacking } from './packed-weights.js';
import type { RecurrentAttributes } from './recurrent-attributes.js';
import { readRecurrentInputs, type RecurrentInputs } from './recurrent-inputs.js';
import type { SequenceLayout } from './sequence-layout.js';

/** Y, Y_h, then Y_c for LSTM. */
export function runRecurrence(inputs: KernelInputs, attrs: RecurrentAttributes, cell: Cell, context?: KernelContext): DenseTensor[] {
  const io = readRecurrentInputs(inputs, attrs, cell.shape);
  const { layout, type } = io;
  const { seqLength, batch, directions, hidden } = layout;
  const width = cell.shape.gates * hidden;
  // Large outputs and projections come from the run's arena where there is one (in the
  // WebAssembly heap, the step products read and write them where they lie), small ones fresh.
  const y = scratchOrOutput(context, type, layout.yDims, true);
  // Built by push, not map(): map()'s results came with maps that differed from call to call,
  // and each mismatch deoptimized this function.
  const finalStates: FloatArray[] = [];
  for (let k = 0; k < io.initialStates.length; k++) finalStates.push(scratchOrOutput(context, type, layout.stateDims, true));
  const projection = scratchOrOutput(context, type, [seqLength * batch * width], false);
  const active = new Uint8Array(batch);
  const packedR = weightPacking(tensorInput(inputs, 2, 'R'), seqLength, context);
  const w = tensorInput(inputs, 1, 'W');
  const constantW = context?.isConstant?.(w) ? w : undefined;

  for (let d = 0; d < directions; d++) {
    projectInputs(io, cell, d, width, projection, constantW);
    const states: FloatArray[] = [];
    for (let k = 0; k < io.initialStates.length; k++) states.push(loadState(io.initialStates[k], layout, d, computeBuffer(type, batch * hidden) as FloatArray));
    const step = cell.direction({
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
    });
    const reverse = attrs.direction === 'reverse' || d === 1;
    const h = states[0];
    const stepInput = { offset: 0, active };
    for (let s = 0; s < seqLength; s++) {
      const t = reverse ? seqLength - 1 - s : s;
      for (let b = 0; b < batch; b++) active[b] = t < io.lengths[b] ? 1 : 0;
      stepInput.offset = layout.xRow(t, 0) * width;
      step(stepInput);
      for (let b = 0; b < batch; b++) {
        if (active[b]) copyVector(h, b * hidden, y, layout.yOffset(t, d, b), hidden);
      }
    }
    for (let k = 0; k < states.length; k++) storeState(states[k], finalStates[k], layout, d, io.lengths);
  }
  const outputs = [tensorFromCompute(type, layout.yDims, y)];
  for (let k = 0; k < finalStates.length; k++) outputs.push(tensorFromCompute(type, layout.stateDims, finalStates[k]));
  return outputs;
}

/** Below this many elements a fresh array costs less than an arena allocation's bookkeeping. */
const ARENA_MIN_ELEMENTS = 1024;

/**
 * Storage for `dims`: the run's arena where it has one and the size pays for it. Arena storage is
 * not zeroed: `zeroed` asks for zeros (Y and the final states keep them where a sequence ends early).
 */
function scratchOrOutput(context: KernelContext | undefined, type: DataType, dims: Shape, zeroed: boolean): FloatArray {
  const size = sizeOf(dims);
  if (size < ARENA_MIN_ELEMENTS) return computeBuffer(type, size) as FloatArray;
  const storage = computeOutput(context, type, dims) as FloatArray;
  return zeroed ? storage.fill(0) : storage;
}

/**
 * projection[row] = X[row] · W[d]^T + bias, for every row of X (steps and batch entries); the
 * GEMM keeps a constant W packed from one run to the next.
 */
function projectInputs(io: RecurrentInputs, cell: Cell, d: number, width: number, projection: FloatArray, constantW: object | undefined): void {
  const { seqLength, batch, hidden } = io.layout;
  const rows = seqLength * batch;
  const bias = io.b && cell.projectionBias(io.b, d * 2 * width, hidden);
  if (bias) for (let row = 0; row < rows; row++) projection.set(bias, row * width);
  const op: GemmOperands = {
    m: rows, n: width, k: io.inputSize,
    a: io.x, aOffset: 0, lda: io.inputSize, transA: false,
    b: io.w, bOffset: d * width * io.inputSize, ldb: io.inputSize, transB: true,
    c: projection, cOffset: 0, ldc: width,
    alpha: 1, beta: bias ? 1 : 0, constantB: constantW,
  };
  gemm(op);
}

/** Direction d's [batch, hidden] state into `state` (zeros), from the initial-state tensor where there is one. */
function loadState(initial: FloatArray | undefined, layout: SequenceLayout, d: number, state: FloatArray): FloatArray {
  const { batch, hidden } = layout;
  if (!initial) return state;
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
