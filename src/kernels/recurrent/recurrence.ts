/**
 * Runs a recurrent op over its directions: one GEMM projects every step's input (X·W^T plus the
 * step-independent biases), then the cell advances the states a step at a time. Batch entries
 * past their sequence_lens keep their states, so Y_h and Y_c hold each entry's last valid step
 * and Y stays zero beyond it. An entry of length 0 is padding: its final states are zero, not
 * its initial ones, as onnxruntime has it.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { gemm, type FloatArray, type GemmOperands } from '../linalg/gemm-core.js';
import type { KernelContext, KernelInputs } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, tensorFromCompute } from '../support/numeric.js';
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
  const y = computeBuffer(type, seqLength * directions * batch * hidden) as FloatArray;
  const finalStates = io.initialStates.map(() => computeBuffer(type, directions * batch * hidden) as FloatArray);
  const projection = computeBuffer(type, seqLength * batch * width) as FloatArray;
  const active = new Uint8Array(batch);
  const packedR = weightPacking(tensorInput(inputs, 2, 'R'), seqLength, context);
  const w = tensorInput(inputs, 1, 'W');
  const constantW = context?.isConstant?.(w) ? w : undefined;

  for (let d = 0; d < directions; d++) {
    projectInputs(io, cell, d, width, projection, constantW);
    const states = io.initialStates.map((initial) => loadState(initial, layout, d, type));
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
    });
    const reverse = attrs.direction === 'reverse' || d === 1;
    const h = states[0];
    const stepInput = { gates: projection, offset: 0, stride: layout.batchRowStride * width, active };
    for (let s = 0; s < seqLength; s++) {
      const t = reverse ? seqLength - 1 - s : s;
      for (let b = 0; b < batch; b++) active[b] = t < io.lengths[b] ? 1 : 0;
      stepInput.offset = layout.xRow(t, 0) * width;
      step(stepInput);
      for (let b = 0; b < batch; b++) {
        if (!active[b]) continue;
        const to = layout.yOffset(t, d, b);
        for (let j = 0, from = b * hidden; j < hidden; j++) y[to + j] = h[from + j];
      }
    }
    states.forEach((state, k) => storeState(state, finalStates[k], layout, d, io.lengths));
  }
  return [
    tensorFromCompute(type, layout.yDims, y),
    ...finalStates.map((state) => tensorFromCompute(type, layout.stateDims, state)),
  ];
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

/** Direction d's [batch, hidden] state, from the initial-state tensor or zeros. */
function loadState(initial: FloatArray | undefined, layout: SequenceLayout, d: number, type: DataType): FloatArray {
  const { batch, hidden } = layout;
  const state = computeBuffer(type, batch * hidden) as FloatArray;
  if (initial) {
    for (let b = 0; b < batch; b++) {
      const from = layout.stateOffset(d, b);
      state.set(initial.subarray(from, from + hidden), b * hidden);
    }
  }
  return state;
}

function storeState(state: FloatArray, target: FloatArray, layout: SequenceLayout, d: number, lengths: readonly number[]): void {
  const { batch, hidden } = layout;
  for (let b = 0; b < batch; b++) {
    if (lengths[b] > 0) target.set(state.subarray(b * hidden, (b + 1) * hidden), layout.stateOffset(d, b));
  }
}
