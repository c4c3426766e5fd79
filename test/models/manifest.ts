/** ../shared/models/MANIFEST.json through the library's own parser and input recipes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicFromDense } from '../../src/api/value-conversion.js';
import { Tensor } from '../../src/index.js';
import { parseManifest, type ManifestModel } from '../../src/tools/bench/manifest-models.js';
import { recipeTensors } from '../../src/tools/model-builder/input-recipe.js';

export const MODELS_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'models');

export type { ManifestModel };

export function readManifest(): ManifestModel[] {
  return parseManifest(readFileSync(join(MODELS_DIR, 'MANIFEST.json'), 'utf8'));
}

/** The recipe's feeds: one LCG (seed 42) shared by the inputs in session input order. */
export function recipeFeeds(model: ManifestModel): Record<string, Tensor> {
  return Object.fromEntries([...recipeTensors(model.recipe)].map(([name, t]) => [name, publicFromDense(t)]));
}
