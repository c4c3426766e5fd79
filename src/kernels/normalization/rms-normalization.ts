/**
 * RMSNormalization (opset 23): X divided by the root mean square over the dimensions
 * [axis, rank) (plus epsilon under the root), times `scale` broadcast one way to X. Y takes
 * scale's element type, which may differ from X's. Float32 rows with a row-shaped scale run in
 * WebAssembly SIMD where it is on (wasm-rows.ts).
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { broadcastParameter, parameterAt } from './broadcast-parameter.js';
import { rowParameter } from './row-parameter.js';
import { stashTypeOf } from './stash-type.js';
import { normalizeRowsInWasm } from './wasm-rows.js';

interface RmsNormAttributes {
  readonly axis: number;
  readonly epsilon: number;
}

export interface RmsNormalized {
  readonly y: DenseTensor;
  /** 1 / rms per normalized group, for the contrib op that also returns it. */
  readonly invRms: Float64Array;
  readonly axis: number;
}

/** Y = X / sqrt(mean(X²) + epsilon) · scale over [axis, rank); shared with com.microsoft SimplifiedLayerNormalization. */
export function rmsNormalize(x: DenseTensor, scaleTensor: DenseTensor, axis: number, epsilon: number): RmsNormalized {
  const a = normalizeAxis(axis, x.rank);
  const outer = sizeOf(x.dims.slice(0, a));
  const inner = sizeOf(x.dims.slice(a));
  const scale = broadcastParameter(scaleTensor, x.dims, 'scale');
  const xv = computeValues(x) as NumberArray;
  const y = computeBuffer(scaleTensor.type, x.size) as NumberArray;
  const scaleRow = rowParameter(scale, inner);
  const inWasm = scaleRow && normalizeRowsInWasm({ x: xv, out: y, scale: scaleRow, rows: outer, length: inner, epsilon, centered: false });
  if (inWasm) return { y: tensorFromCompute(scaleTensor.type, x.dims, y), invRms: inWasm.invStdDev, axis: a };
  const invRms = new Float64Array(outer);
  for (let g = 0; g < outer; g++) {
    const start = g * inner;
    const end = start + inner;
    let squares = 0;
    for (let i = start; i < end; i++) squares += xv[i] * xv[i];
    const inv = 1 / Math.sqrt(squares / inner + epsilon);
    invRms[g] = inv;
    if (scaleRow) for (let i = start, j = 0; i < end; i++, j++) y[i] = xv[i] * inv * scaleRow[j];
    else for (let i = start; i < end; i++) y[i] = xv[i] * inv * parameterAt(scale, i);
  }
  return { y: tensorFromCompute(scaleTensor.type, x.dims, y), invRms, axis: a };
}

export const rmsNormalizationKernels: KernelDefinition[] = [
  kernel<RmsNormAttributes>({
    domain: '',
    opType: 'RMSNormalization',
    sinceVersion: 23,
    typeConstraints: [0, 1].map((input) => ({ input, types: FLOAT_TYPES })),
    parseAttributes: (attrs) => {
      // Stage one always runs in doubles here; the attribute is still checked.
      stashTypeOf(attrs);
      return { axis: attrs.int('axis', -1), epsilon: attrs.float('epsilon', 1e-5) };
    },
    run: (inputs, { axis, epsilon }) => [rmsNormalize(tensorInput(inputs, 0, 'X'), tensorInput(inputs, 1, 'scale'), axis, epsilon).y],
  }),
];
