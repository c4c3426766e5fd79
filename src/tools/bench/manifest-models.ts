/**
 * Reads ../shared/models/MANIFEST.json: each model's file and its synthetic input recipe, whose
 * fills are written as text ("uniform LCG(seed 42) in [-1,1)", "int ids LCG in [1,29)", "all 0").
 */
import type { InputFill, InputRecipe, RecipeType } from '../model-builder/input-recipe.js';
import { BenchSetupError } from './bench-setup-error.js';

export interface ManifestModel {
  readonly name: string;
  readonly file: string;
  readonly recipe: readonly InputRecipe[];
}

interface RawInput {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly number[];
  readonly fill: string;
}

interface RawModel {
  readonly name: string;
  readonly file: string;
  readonly synthetic_input_recipe: { readonly inputs: readonly RawInput[] };
}

const RECIPE_TYPES: readonly string[] = ['float32', 'int64'];

export function parseFill(text: string): InputFill {
  const constant = /^all (-?[\d.e+-]+)$/.exec(text);
  if (constant) return { kind: 'constant', value: Number(constant[1]) };
  const uniform = /^uniform LCG\(seed 42\) in \[(-?[\d.]+),(-?[\d.]+)\)$/.exec(text);
  if (uniform) return { kind: 'uniform', low: Number(uniform[1]), high: Number(uniform[2]) };
  const ids = /^int ids LCG in \[(-?\d+),(-?\d+)\)$/.exec(text);
  if (ids) return { kind: 'ids', low: Number(ids[1]), high: Number(ids[2]) };
  throw new BenchSetupError(`unknown input fill '${text}' in the models manifest`);
}

function recipeInput(model: string, input: RawInput): InputRecipe {
  if (!RECIPE_TYPES.includes(input.type)) throw new BenchSetupError(`${model}: input '${input.name}' has type ${input.type}, which recipes do not fill`);
  return { name: input.name, type: input.type as RecipeType, shape: input.shape, fill: parseFill(input.fill) };
}

export function parseManifest(text: string): ManifestModel[] {
  return (JSON.parse(text) as RawModel[]).map((m) => ({
    name: m.name,
    file: m.file,
    recipe: m.synthetic_input_recipe.inputs.map((input) => recipeInput(m.name, input)),
  }));
}
