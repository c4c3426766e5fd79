/**
 * The zoo models exported with dynamic axes, run by one session on inputs of several shapes in
 * turn (and back to the first, which reuses its memory plan), each run against
 * onnxruntime-node on the same inputs; then with freeDimensionOverrides pinning the shape.
 */
import { describe, it } from 'vitest';
import { InferenceSession, type Tensor } from '../../src/index.js';
import { zooArchitectureNamed } from '../../src/tools/model-builder/architectures/zoo/index.js';
import type { InputRecipe } from '../../src/tools/model-builder/input-recipe.js';
import { expectTensorsClose } from '../support/differential.js';
import { referenceOutputs, ZOO_TOLERANCE, zooFeeds } from '../support/zoo-check.js';

/** The recipe with every input given `shape` (these models' inputs share one shape). */
function reshaped(recipe: readonly InputRecipe[], shape: readonly number[]): InputRecipe[] {
  return recipe.map((r) => ({ ...r, shape: [...shape] }));
}

/** `pinned` is the input shape the overrides fix. */
const CASES: { model: string; shapes: number[][]; overrides: Record<string, number>; pinned: number[] }[] = [
  { model: 'distilbert', shapes: [[2, 16], [1, 7], [3, 1], [2, 16]], overrides: { batch: 1, sequence: 7 }, pinned: [1, 7] },
  { model: 'llama_decoder', shapes: [[2, 10], [1, 3], [2, 10]], overrides: { batch: 1, sequence: 3 }, pinned: [1, 3] },
  { model: 'lstm_classifier', shapes: [[2, 12], [1, 5], [4, 1]], overrides: { batch: 1, sequence: 5 }, pinned: [1, 5] },
  { model: 'gru_classifier', shapes: [[2, 12], [3, 2]], overrides: { batch: 3, sequence: 2 }, pinned: [3, 2] },
  { model: 'vit_tiny', shapes: [[2, 3, 64, 64], [1, 3, 64, 64], [3, 3, 64, 64]], overrides: { batch: 1 }, pinned: [1, 3, 64, 64] },
];

describe('dynamic-axes zoo models across input shapes', () => {
  for (const c of CASES) {
    it(`${c.model}: ${c.shapes.map((s) => `[${s}]`).join(', ')}`, async () => {
      const architecture = zooArchitectureNamed(c.model)!;
      const model = architecture.build('test');
      const session = await InferenceSession.create(model);
      for (const shape of c.shapes) {
        const feeds = zooFeeds(reshaped(architecture.recipe('test'), shape));
        const reference = await referenceOutputs(model, feeds);
        const ours = (await session.run(feeds)) as Record<string, Tensor>;
        for (const [name, e] of Object.entries(reference)) expectTensorsClose(ours[name], e, ZOO_TOLERANCE, `${c.model} [${shape}] '${name}'`);
      }
      const pinned = await InferenceSession.create(model, { freeDimensionOverrides: c.overrides });
      const shape = c.pinned;
      const feeds = zooFeeds(reshaped(architecture.recipe('test'), shape));
      const reference = await referenceOutputs(model, feeds);
      const ours = (await pinned.run(feeds)) as Record<string, Tensor>;
      for (const [name, e] of Object.entries(reference)) expectTensorsClose(ours[name], e, ZOO_TOLERANCE, `${c.model} pinned [${shape}] '${name}'`);
    }, 60_000);
  }
});
