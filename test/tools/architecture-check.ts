/**
 * What every architecture test checks: the model loads in onnxruntime-node and in onnxts and
 * both agree on the seeded recipe input (rtol 1e-3 / atol 1e-4), its parameter count is within
 * 3% of the real model's, it uses the op types the real exporter writes, and the same seed gives
 * the same bytes.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { Tensor } from '../../src/index.js';
import { decodeModelProto } from '../../src/onnx/decode-model.js';
import { countParameters } from '../../src/tools/model-builder/parameter-count.js';
import { recipeTensors, type InputRecipe } from '../../src/tools/model-builder/input-recipe.js';
import { expectMatchesOnnxruntime } from '../support/differential.js';

export const ARCHITECTURE_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function recipeFeeds(recipe: readonly InputRecipe[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const [name, t] of recipeTensors(recipe)) feeds[name] = new Tensor(t.type as Tensor.Type, t.data as never, t.dims);
  return feeds;
}

export interface ArchitectureCase {
  readonly name: string;
  /** Targets the real model's parameter count within 3%. */
  readonly parameters: number;
  build(seed: number): Uint8Array;
  readonly recipe: readonly InputRecipe[];
  /** Exactly the op types the real exporter writes for it. */
  readonly ops: readonly string[];
}

export async function checkArchitecture(c: ArchitectureCase): Promise<void> {
  let bytes: Uint8Array | undefined = c.build(42);
  const count = countParameters(bytes);
  expect(Math.abs(count / c.parameters - 1), `${c.name}: ${count} parameters, the real model has ${c.parameters}`).toBeLessThan(0.03);
  const ops = new Set(decodeModelProto(bytes).graph?.node?.map((n) => n.op_type));
  expect([...ops].sort(), `${c.name}: op types`).toEqual([...c.ops].sort());
  await expectMatchesOnnxruntime(bytes, recipeFeeds(c.recipe), ARCHITECTURE_TOLERANCE, c.name);
  // Hashes, so the large models are not held twice.
  const first = sha256(bytes);
  bytes = undefined;
  expect(sha256(c.build(42)), `${c.name}: same seed, same bytes`).toBe(first);
}
