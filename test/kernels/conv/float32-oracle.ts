/**
 * For float64 models onnxruntime-node has no kernel for: run the float32 version of the model
 * in onnxruntime on the same values rounded to float32, and expect our float64 result to agree
 * within float32 precision.
 */
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectTensorsClose, runOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';

export async function expectFloat64MatchesOnnxruntimeFloat32(
  modelOf: (type: DataType) => Uint8Array,
  feeds: Record<string, Tensor>,
  label: string,
  tol: Tolerance = { rtol: 1e-4, atol: 1e-4 },
): Promise<void> {
  const narrowed: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    narrowed[name] = t.type === 'float64' ? new Tensor('float32', Float32Array.from(t.data as Float64Array), t.dims) : t;
  }
  const ours = await runOnnxts(modelOf('float64'), feeds);
  const theirs = await runOnnxruntime(modelOf('float32'), narrowed);
  for (const [name, expected] of Object.entries(theirs)) {
    const actual = ours[name];
    const widened = expected.type === 'float32'
      ? { type: 'float64', dims: expected.dims, data: Float64Array.from(expected.data as Float32Array) }
      : expected;
    expectTensorsClose(actual, widened, tol, `${label} '${name}'`);
  }
}
