/**
 * The standard benchmark suite: every architecture of the model builder at its standard size,
 * then the float models of ../shared/models (the int8 ones are left to their own benchmark, as
 * their outputs legitimately differ between runtimes).
 */
import { ARCHITECTURES } from '../model-builder/architectures/index.js';
import type { InputRecipe } from '../model-builder/input-recipe.js';
import { BenchSetupError } from './bench-setup-error.js';
import type { ManifestModel } from './manifest-models.js';

export interface SuiteModel {
  readonly name: string;
  /** 'built' for the model builder's architectures, 'shared' for ../shared/models. */
  readonly origin: 'built' | 'shared';
  readonly recipe: readonly InputRecipe[];
  /** Builds or reads the model when its turn comes, so only one is held at a time. */
  bytes(): Uint8Array;
}

export const SHARED_SUITE_MODELS = [
  'chessgpt_tiny', 'ppocrv4_rec_svtr', 'ppocrv3_det', 'mnist_onnxjs', 'super_resolution_tutorial',
  'ultraface_rfb320', 'silero_vad', 'gtcrn_stream', 'ppocr_rec_en_number_v2', 'yolox_nano_nms',
];

/**
 * The suite in order, or the models named in `only` (in the order given). `readModel` reads a
 * manifest file name from the shared models folder.
 */
export function standardSuite(manifest: readonly ManifestModel[], readModel: (file: string) => Uint8Array, only?: readonly string[]): SuiteModel[] {
  const built: SuiteModel[] = ARCHITECTURES.map((a) => ({ name: a.name, origin: 'built', recipe: a.recipe(), bytes: () => a.build() }));
  const shared: SuiteModel[] = SHARED_SUITE_MODELS.map((name) => {
    const entry = manifest.find((m) => m.name === name);
    if (!entry) throw new BenchSetupError(`the models manifest has no '${name}'`);
    return { name, origin: 'shared', recipe: entry.recipe, bytes: () => readModel(entry.file) };
  });
  const all = [...built, ...shared];
  if (!only) return all;
  return only.map((name) => {
    const model = all.find((m) => m.name === name);
    if (!model) throw new BenchSetupError(`no model '${name}' in the suite; it has: ${all.map((m) => m.name).join(', ')}`);
    return model;
  });
}
