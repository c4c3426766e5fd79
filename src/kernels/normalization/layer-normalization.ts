/**
 * LayerNormalization (opset 17): standardizes X over the dimensions [axis, rank) and applies
 * Scale and B, each broadcast one way to X. The optional Mean and InvStdDev outputs have X's
 * leading dimensions followed by ones, in the `stash_type` element type. Stage one runs in
 * doubles whatever `stash_type` says, at least as precise as any type it can name. Float32 rows
 * with row-shaped Scale and B run in WebAssembly SIMD where it is on (wasm-rows.ts).
 */
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, optionalTensorInput, requireSameType, tensorInput } from '../support/inputs.js';
import { computeOutput, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { broadcastParameter, parameterAt, type BroadcastParameter } from './broadcast-parameter.js';
import { floatTensor } from './float-tensor.js';
import { groupMoments } from './moments.js';
import { rowParameter } from './row-parameter.js';
import { stashTypeOf } from './stash-type.js';
import { normalizeRowsInWasm } from './wasm-rows.js';

interface LayerNormAttributes {
  readonly axis: number;
  readonly epsilon: number;
  readonly stashType: DataType;
}

/** y = (x - mean) * invStdDev * scale (+ bias) row by row, Scale and B one value per row element. */
function normalizeRows(
  x: NumberArray, y: NumberArray, mean: Float64Array, invStdDev: Float64Array, inner: number, scale: NumberArray, bias: NumberArray | undefined,
): void {
  for (let g = 0, at = 0; g < mean.length; g++, at += inner) {
    const mu = mean[g];
    const inv = invStdDev[g];
    if (bias) for (let j = 0; j < inner; j++) y[at + j] = (x[at + j] - mu) * inv * scale[j] + bias[j];
    else for (let j = 0; j < inner; j++) y[at + j] = (x[at + j] - mu) * inv * scale[j];
  }
}

/** normalizeRows for Scale and B of any one-way broadcast. */
function normalizeBroadcast(
  x: NumberArray, y: NumberArray, mean: Float64Array, invStdDev: Float64Array, inner: number, scale: BroadcastParameter, bias: BroadcastParameter | undefined,
): void {
  for (let g = 0, i = 0; g < mean.length; g++) {
    const mu = mean[g];
    const inv = invStdDev[g];
    for (let j = 0; j < inner; j++, i++) {
      const normalized = (x[i] - mu) * inv;
      y[i] = normalized * parameterAt(scale, i) + (bias ? parameterAt(bias, i) : 0);
    }
  }
}

export const layerNormalizationKernels: KernelDefinition[] = [
  kernel<LayerNormAttributes>({
    domain: '',
    opType: 'LayerNormalization',
    sinceVersion: 17,
    typeConstraints: [0, 1, 2].map((input) => ({ input, types: FLOAT_TYPES })),
    parseAttributes: (attrs) => ({
      axis: attrs.int('axis', -1),
      epsilon: attrs.float('epsilon', 1e-5),
      stashType: stashTypeOf(attrs),
    }),
    run(inputs, { axis, epsilon, stashType }, context) {
      const x = tensorInput(inputs, 0, 'X');
      const scaleTensor = tensorInput(inputs, 1, 'Scale');
      const biasTensor = optionalTensorInput(inputs, 2, 'B');
      requireSameType(x, scaleTensor, 'X and Scale');
      if (biasTensor) requireSameType(x, biasTensor, 'X and B');
      const a = normalizeAxis(axis, x.rank);
      const outer = sizeOf(x.dims.slice(0, a));
      const inner = sizeOf(x.dims.slice(a));
      const scale = broadcastParameter(scaleTensor, x.dims, 'Scale');
      const bias = biasTensor && broadcastParameter(biasTensor, x.dims, 'B');
      const xv = computeValues(x) as NumberArray;
      const y = computeOutput(context, x.type, x.dims) as NumberArray;
      const scaleRow = rowParameter(scale, inner);
      const biasRow = bias && rowParameter(bias, inner);
      const rowWise = scaleRow !== undefined && (!bias || biasRow !== undefined);
      const inWasm = rowWise ? normalizeRowsInWasm({ x: xv, out: y, scale: scaleRow, beta: biasRow, rows: outer, length: inner, epsilon, centered: true }) : undefined;
      const { mean, invStdDev } = inWasm ?? groupMoments(xv, outer, inner, epsilon);
      if (!inWasm) {
        if (rowWise) normalizeRows(xv, y, mean, invStdDev, inner, scaleRow, biasRow);
        else normalizeBroadcast(xv, y, mean, invStdDev, inner, scale, bias);
      }
      const statsDims = x.dims.map((d, i) => (i < a ? d : 1));
      return [
        tensorFromCompute(x.type, x.dims, y),
        floatTensor(stashType, statsDims, mean),
        floatTensor(stashType, statsDims, invStdDev),
      ];
    },
  }),
];
