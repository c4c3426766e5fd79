/**
 * Deterministic model inputs, in the recipe format of ../shared/models/MANIFEST.json: one
 * 32-bit LCG (seed 42) shared by the inputs in order; floats lo + (hi - lo)·u, ids
 * lo + floor((hi - lo)·u); constant fills draw nothing.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { sizeOf } from '../../tensor/shape.js';
import { Lcg } from './lcg.js';

export type InputFill =
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'ids'; readonly low: number; readonly high: number }
  | { readonly kind: 'constant'; readonly value: number };

export type RecipeType = 'float32' | 'int64';

export interface InputRecipe {
  readonly name: string;
  readonly type: RecipeType;
  readonly shape: readonly number[];
  readonly fill: InputFill;
}

export const RECIPE_SEED = 42;

function draw(fill: InputFill, rng: Lcg): number {
  switch (fill.kind) {
    case 'constant': return fill.value;
    case 'uniform': return rng.uniform(fill.low, fill.high);
    case 'ids': return fill.low + Math.floor((fill.high - fill.low) * rng.next());
  }
}

/** The recipe's tensors by input name, drawn in the order given. */
export function recipeTensors(recipe: readonly InputRecipe[], seed = RECIPE_SEED): Map<string, DenseTensor> {
  const rng = new Lcg(seed);
  const out = new Map<string, DenseTensor>();
  for (const input of recipe) {
    const values = Array.from({ length: sizeOf(input.shape) }, () => draw(input.fill, rng));
    const data = input.type === 'int64' ? BigInt64Array.from(values, BigInt) : Float32Array.from(values);
    out.set(input.name, new DenseTensor(input.type, [...input.shape], data));
  }
  return out;
}
