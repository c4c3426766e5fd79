/**
 * One-node models for the elementwise kernel tests: run an op on given or seeded random
 * inputs in onnxts and compare with onnxruntime (optionally at another opset, for old forms
 * onnxruntime no longer loads), or with values the test derives itself.
 */
import { expect } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { Tensor } from '../../../src/index.js';
import {
  expectTensorsClose,
  FLOAT32_TOLERANCE,
  runOnnxruntime,
  runOnnxts,
  type Tolerance,
} from '../../support/differential.js';
import { singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

export interface OperandSpec {
  readonly type: DataType;
  readonly shape: readonly number[];
  /** Random values in [min, max) (integers: [min, max]); ignored when `tensor` is given. */
  readonly min?: number;
  readonly max?: number;
  readonly tensor?: Tensor;
}

export interface OpOptions {
  readonly attributes?: Record<string, AttributeValue>;
  readonly opset?: number;
  /** Opset of the model onnxruntime runs, when it differs (semantics must agree). */
  readonly oracleOpset?: number;
  readonly oracleAttributes?: Record<string, AttributeValue>;
  readonly outType?: DataType;
  readonly outputs?: number;
  readonly tolerance?: Tolerance;
  readonly seed?: number;
}

export const FLOAT16_TOLERANCE: Tolerance = { rtol: 2e-3, atol: 1e-3 };

function feedsOf(inputs: readonly OperandSpec[], seed: number): Record<string, Tensor> {
  const rng = new Rng(seed);
  const feeds: Record<string, Tensor> = {};
  inputs.forEach((spec, i) => {
    feeds[`x${i}`] = spec.tensor ?? randomTensor(spec.type, spec.shape, rng, spec.min ?? -3, spec.max ?? 3);
  });
  return feeds;
}

function model(op: string, inputs: readonly OperandSpec[], options: OpOptions, opset: number, attributes?: Record<string, AttributeValue>): Uint8Array {
  const outType = options.outType ?? inputs[0].type;
  return singleNodeModel(
    op,
    inputs.map((spec, i) => ({ name: `x${i}`, type: spec.type, shape: spec.shape })),
    Array.from({ length: options.outputs ?? 1 }, (_, k) => ({ name: `y${k}`, type: outType })),
    { attributes, opset },
  );
}

function toleranceFor(type: DataType, options: OpOptions): Tolerance {
  return options.tolerance ?? (type === 'float16' || type === 'bfloat16' ? FLOAT16_TOLERANCE : FLOAT32_TOLERANCE);
}

/** Runs `op` in onnxts and onnxruntime on the same inputs and expects the outputs to agree. */
export async function expectOpMatchesOrt(op: string, inputs: readonly OperandSpec[], options: OpOptions = {}): Promise<void> {
  const feeds = feedsOf(inputs, options.seed ?? 11);
  const opset = options.opset ?? 17;
  const ours = await runOnnxts(model(op, inputs, options, opset, options.attributes), feeds);
  const oracleModel = model(op, inputs, options, options.oracleOpset ?? opset, options.oracleAttributes ?? options.attributes);
  const theirs = await runOnnxruntime(oracleModel, feeds);
  const label = `${op} opset ${opset} (${inputs.map((s) => `${s.type}[${s.shape.join(',')}]`).join(', ')})`;
  for (const [name, expected] of Object.entries(theirs)) {
    expect(ours[name], `${label}: output ${name}`).toBeDefined();
    expectTensorsClose(ours[name], expected, toleranceFor(expected.type as DataType, options), label);
  }
}

/** Runs `op` in onnxts only and returns its first output. */
export async function runOp(op: string, inputs: readonly OperandSpec[], options: OpOptions = {}): Promise<Tensor> {
  const feeds = feedsOf(inputs, options.seed ?? 11);
  const out = await runOnnxts(model(op, inputs, options, options.opset ?? 17, options.attributes), feeds);
  return out.y0;
}

/** Expects `op` on these inputs to give exactly these values (NaN equal to NaN; floats within tolerance). */
export async function expectOpGives(
  op: string,
  inputs: readonly OperandSpec[],
  expected: { type: DataType; dims: readonly number[]; data: ArrayLike<number | bigint | string> },
  options: OpOptions = {},
): Promise<void> {
  const actual = await runOp(op, inputs, options);
  expectTensorsClose(actual, expected, toleranceFor(expected.type, options), `${op} opset ${options.opset ?? 17}`);
}

/** Expects `op` on these inputs to be rejected with a message matching `message`. */
export async function expectOpFails(op: string, inputs: readonly OperandSpec[], message: RegExp, options: OpOptions = {}): Promise<void> {
  await expect(runOp(op, inputs, options)).rejects.toThrow(message);
}

/** A tensor from plain values, for hand-written inputs. */
export function tensorOf(type: DataType, dims: readonly number[], values: readonly (number | bigint | boolean | string)[]): Tensor {
  return new Tensor(type as Tensor.Type, values as never, dims as number[]);
}
