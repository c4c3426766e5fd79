/**
 * The model-zoo benchmark suite (`scripts/bench.mjs --zoo`): the zoo architectures of the model
 * builder at their full sizes, kept apart from the standard suite so the standard table stays
 * comparable across runs.
 */
import { ZOO_ARCHITECTURES } from '../model-builder/architectures/zoo/index.js';
import { BenchSetupError } from './bench-setup-error.js';
import type { SuiteModel } from './standard-suite.js';

/** Every zoo architecture in order, or the ones named in `only` (in the order given). */
export function zooSuite(only?: readonly string[]): SuiteModel[] {
  const all: SuiteModel[] = ZOO_ARCHITECTURES.map((a) => ({ name: a.name, origin: 'built', recipe: a.recipe('full'), bytes: () => a.build('full') }));
  if (!only) return all;
  return only.map((name) => {
    const model = all.find((m) => m.name === name);
    if (!model) throw new BenchSetupError(`no model '${name}' in the zoo suite; it has: ${all.map((m) => m.name).join(', ')}`);
    return model;
  });
}
