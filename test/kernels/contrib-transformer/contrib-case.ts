/**
 * Single-node com.microsoft models for the differential tests: inputs given as tensors (or
 * null for an omitted optional input), outputs by name and type ('' omits one).
 */
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';
import { buildModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

export interface NodeCase {
  readonly op: string;
  readonly inputs: readonly (readonly [string, Tensor] | null)[];
  readonly outputs: readonly (readonly [string, DataType] | null)[];
  readonly attributes?: Record<string, AttributeValue>;
  /** ai.onnx ops take the opset of '' (default 17); com.microsoft ops its opset 1. */
  readonly domain?: string;
  readonly opset?: number;
}

/**
 * One float16 unit in the last place, relative (2^-10 ~ 9.8e-4). Both runtimes compute in
 * float32 or better and round the result to float16, but onnxruntime rounds some
 * intermediates too (the float16 function bodies of the GELUs, float16 Q/K/V and probabilities
 * in GroupQueryAttention) and its erf and tanh are approximations, which moves an output to
 * the neighbouring float16 value now and then; two units apart would be a real difference.
 */
export const HALF_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-5 };

/**
 * GroupQueryAttention in float16 differs by up to ~3e-5 absolute on outputs near zero: each
 * output sums terms of order 0.1 to 1 (V lies in [-1, 1]) whose intermediate float16 rounding in
 * onnxruntime (a float16 unit there is 2^-14 to 2^-11) survives the cancellation. 1e-4 allows a
 * few such units; a real difference (a key dropped, a wrong rotary position) moves outputs by 1e-2.
 */
export const HALF_GQA_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-4 };

export function caseModel(c: NodeCase): Uint8Array {
  const domain = c.domain ?? 'com.microsoft';
  const given = c.inputs.filter((i): i is readonly [string, Tensor] => i !== null);
  const outputs = c.outputs.filter((o): o is readonly [string, DataType] => o !== null);
  return buildModel({
    nodes: [{ op: c.op, domain, inputs: c.inputs.map((i) => i?.[0] ?? ''), outputs: c.outputs.map((o) => o?.[0] ?? ''), attributes: c.attributes }],
    inputs: given.map(([name, t]) => ({ name, type: t.type as DataType, shape: [...t.dims] })),
    outputs: outputs.map(([name, type]) => ({ name, type })),
    opsets: domain === '' ? { '': c.opset ?? 17 } : { '': 17, [domain]: c.opset ?? 1 },
  });
}

export function caseFeeds(c: NodeCase): Record<string, Tensor> {
  return Object.fromEntries(c.inputs.filter((i) => i !== null).map((i) => [i![0], i![1]]));
}

export async function expectCaseMatches(c: NodeCase, tolerance?: Tolerance, label?: string): Promise<void> {
  await expectMatchesOnnxruntime(caseModel(c), caseFeeds(c), tolerance, label ?? c.op);
}

export async function runCase(c: NodeCase): Promise<Record<string, Tensor>> {
  return runOnnxts(caseModel(c), caseFeeds(c));
}

/** Seeded float tensors in [-1, 1) and integer tensors from explicit values. */
export function tensors(seed: number) {
  const rng = new Rng(seed);
  return {
    rng,
    float: (dims: readonly number[], type: DataType = 'float32', min = -1, max = 1) => randomTensor(type, dims, rng, min, max),
    int32: (values: readonly number[], dims: readonly number[] = [values.length]) => new Tensor('int32', Int32Array.from(values), [...dims]),
    int64: (values: readonly number[], dims: readonly number[] = [values.length]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [...dims]),
  };
}
