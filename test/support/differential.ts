/**
 * Runs one model in onnxts and in onnxruntime-node (the correctness oracle) on the same feeds
 * and compares every output: element type, shape and values within a tolerance.
 */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { float16BitsToNumber } from '../../src/tensor/numeric/float16.js';
import { bfloat16BitsToNumber } from '../../src/tensor/numeric/bfloat16.js';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const FLOAT32_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

interface TensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

function numbersOf(t: TensorLike): number[] {
  const data = t.data as ArrayLike<number | bigint | string>;
  if (t.type === 'float16') return Array.from(data as Uint16Array, float16BitsToNumber);
  if (t.type === 'bfloat16') return Array.from(data as Uint16Array, bfloat16BitsToNumber);
  return Array.from(data, (v) => Number(v));
}

/** Asserts two tensors agree; the message names the label, type and shape and the first bad element. */
export function expectTensorsClose(actual: TensorLike, expected: TensorLike, tol: Tolerance, label: string): void {
  expect(actual.type, `${label}: element type`).toBe(expected.type);
  expect([...actual.dims], `${label}: shape`).toEqual([...expected.dims]);
  if (expected.type === 'string') {
    expect(Array.from(actual.data as string[]), `${label}: strings`).toEqual(Array.from(expected.data as string[]));
    return;
  }
  const a = numbersOf(actual);
  const e = numbersOf(expected);
  for (let i = 0; i < e.length; i++) {
    const ok = (Number.isNaN(e[i]) && Number.isNaN(a[i])) || a[i] === e[i] || Math.abs(a[i] - e[i]) <= tol.atol + tol.rtol * Math.abs(e[i]);
    if (!ok) {
      expect.fail(`${label} (${expected.type}[${expected.dims.join(',')}]): element ${i} is ${a[i]}, onnxruntime gives ${e[i]}`);
    }
  }
}

export async function runOnnxts(model: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(model);
  return (await session.run(feeds)) as Record<string, Tensor>;
}

export async function runOnnxruntime(model: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type as ort.Tensor.Type, t.data as never, t.dims);
  const out = await session.run(ortFeeds);
  await session.release();
  return out;
}

/** Runs `model` in both runtimes and expects every output of onnxruntime to match ours. */
export async function expectMatchesOnnxruntime(
  model: Uint8Array,
  feeds: Record<string, Tensor>,
  tol: Tolerance = FLOAT32_TOLERANCE,
  label = 'output',
): Promise<void> {
  const [ours, theirs] = await Promise.all([runOnnxts(model, feeds), runOnnxruntime(model, feeds)]);
  for (const [name, expected] of Object.entries(theirs)) {
    const actual = ours[name];
    expect(actual, `${label}: output '${name}' missing`).toBeDefined();
    expectTensorsClose(actual as Tensor, expected, tol, `${label} '${name}'`);
  }
}
