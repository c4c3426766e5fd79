/**
 * ../shared/models/MANIFEST.json and its deterministic input recipes: one 32-bit LCG (seed 42)
 * shared across the inputs in session input order; "all v" fills draw nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/index.js';
import { Rng } from '../support/random.js';

export const MODELS_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'models');

export interface ManifestInput {
  readonly name: string;
  readonly type: string;
  readonly shape: number[];
  readonly fill: string;
}

export interface ManifestModel {
  readonly name: string;
  readonly file: string;
  readonly opset: number;
  readonly op_types: string[];
  readonly synthetic_input_recipe: { readonly inputs: ManifestInput[] };
}

export function readManifest(): ManifestModel[] {
  return JSON.parse(readFileSync(join(MODELS_DIR, 'MANIFEST.json'), 'utf8')) as ManifestModel[];
}

function fillValues(input: ManifestInput, count: number, rng: Rng): number[] {
  const constant = /^all (-?[\d.e+-]+)$/.exec(input.fill);
  if (constant) return new Array<number>(count).fill(Number(constant[1]));
  const uniform = /^uniform LCG\(seed 42\) in \[(-?[\d.]+),(-?[\d.]+)\)$/.exec(input.fill);
  if (uniform) {
    const [lo, hi] = [Number(uniform[1]), Number(uniform[2])];
    return Array.from({ length: count }, () => lo + (hi - lo) * rng.next());
  }
  const ids = /^int ids LCG in \[(-?\d+),(-?\d+)\)$/.exec(input.fill);
  if (ids) {
    const [lo, hi] = [Number(ids[1]), Number(ids[2])];
    return Array.from({ length: count }, () => lo + Math.floor((hi - lo) * rng.next()));
  }
  throw new Error(`unknown fill recipe '${input.fill}' for input '${input.name}'`);
}

/** The recipe's feeds, as onnxts Tensors (onnxruntime takes the same data arrays). */
export function recipeFeeds(model: ManifestModel): Record<string, Tensor> {
  const rng = new Rng(42);
  const feeds: Record<string, Tensor> = {};
  for (const input of model.synthetic_input_recipe.inputs) {
    const count = input.shape.reduce((a, b) => a * b, 1);
    const values = fillValues(input, count, rng);
    const data = input.type === 'int64' ? BigInt64Array.from(values, (v) => BigInt(v))
      : input.type === 'float32' ? Float32Array.from(values)
      : undefined;
    if (!data) throw new Error(`recipe type ${input.type} of '${input.name}' is not handled`);
    feeds[input.name] = new Tensor(input.type as 'float32', data as Float32Array, input.shape);
  }
  return feeds;
}
