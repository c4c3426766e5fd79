/**
 * The optimizer on the real models in ../shared/models: every model, optimized at each level
 * and saved, gives onnxruntime-node the outputs of the original; onnxts gives them too where
 * it has the kernels; every type inference recorded matches what the run produced; and a
 * second optimization finds nothing left to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueFromPublic } from '../../src/api/value-conversion.js';
import { InferenceSession, type Tensor } from '../../src/index.js';
import type { Model } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { optimizeModel } from '../../src/optimizer/optimize-model.js';
import { CompiledModel } from '../../src/runtime/compiled-model.js';
import type { Value } from '../../src/tensor/value.js';
import { expectTensorsClose, runOnnxruntime } from '../support/differential.js';
import { MODELS_DIR, readManifest, recipeFeeds } from '../models/manifest.js';
import { irOf, opCounts, runsInOnnxts, savedBytesOf } from './support.js';

const TOLERANCE = { rtol: 1e-3, atol: 1e-4 };
/**
 * Dynamic int8 quantization recomputes scales from float activations, so a one-ulp float
 * difference (a fused op rounds differently) can flip an int8 code upstream: the bound of
 * test/models/shared-models.test.ts, one flip's worth of box pixels.
 */
const INT8_DYNAMIC_TOLERANCE = { rtol: 0, atol: 12 };

/** Runs the optimized model and checks every main-graph value against its recorded type. */
async function expectInferredShapesHold(model: Model, feeds: Record<string, Tensor>): Promise<number> {
  const compiled = CompiledModel.compile(model, defaultRegistry());
  const plan = compiled.plan;
  const main = new Set(plan.steps);
  const symbols = new Map<string, number>();
  let checked = 0;
  const feedValues = new Map<number, Value>();
  for (const input of plan.inputs) {
    const given = feeds[input.name];
    if (given) feedValues.set(input.slot, valueFromPublic(given, input.name));
  }
  await compiled.run(feedValues, {
    observer: {
      onStep(step, _inputs, outputs) {
        if (!main.has(step)) return;
        step.outputs.forEach((slot, i) => {
          const value = outputs[i];
          const name = plan.slotNames[slot];
          const type = slot >= 0 ? model.graph.valueInfo.get(name) : undefined;
          if (!value || value.kind !== 'tensor' || type?.kind !== 'tensor') return;
          const where = `${step.node.opType} '${step.node.name}' output '${name}'`;
          if (type.elementType) expect(value.type, `${where}: element type`).toBe(type.elementType);
          if (!type.shape) return;
          expect(value.dims.length, `${where}: rank of ${JSON.stringify(type.shape)} vs [${value.dims}]`).toBe(type.shape.length);
          type.shape.forEach((d, axis) => {
            if (typeof d === 'number') expect(value.dims[axis], `${where}: dim ${axis} of ${JSON.stringify(type.shape)} vs [${value.dims}]`).toBe(d);
            if (typeof d === 'string') {
              const bound = symbols.get(d) ?? value.dims[axis];
              symbols.set(d, bound);
              expect(value.dims[axis], `${where}: symbolic dim '${d}'`).toBe(bound);
            }
          });
          checked++;
        });
      },
    },
  });
  return checked;
}

describe('optimized real models', () => {
  for (const entry of readManifest()) {
    it(entry.name, async () => {
      const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, entry.file)));
      const feeds = recipeFeeds(entry);
      const tolerance = entry.name === 'yolo11n_int8_dynamic' ? INT8_DYNAMIC_TOLERANCE : TOLERANCE;
      const expected = await runOnnxruntime(bytes, feeds);
      const original = irOf(bytes);
      for (const level of ['basic', 'all'] as const) {
        const { model, fired, rounds } = optimizeModel(original, { level, registry: defaultRegistry() });
        expect(rounds, `${level}: reached a fixed point`).toBeLessThan(10);
        const saved = savedBytesOf(model);
        const fromOrt = await runOnnxruntime(saved, feeds);
        for (const [name, e] of Object.entries(expected)) expectTensorsClose(fromOrt[name], e, tolerance, `${entry.name} (${level}) in onnxruntime: '${name}'`);
        if (!runsInOnnxts(model)) continue;
        const checked = await expectInferredShapesHold(model, feeds);
        expect(checked, 'values with an inferred type').toBeGreaterThan(0);
        const session = await InferenceSession.create(saved, { graphOptimizationLevel: 'disabled' });
        const ours = (await session.run(feeds)) as Record<string, Tensor>;
        for (const [name, e] of Object.entries(expected)) expectTensorsClose(ours[name], e, tolerance, `${entry.name} (${level}) in onnxts: '${name}'`);
        const again = optimizeModel(model, { level, registry: defaultRegistry() });
        expect(Object.fromEntries(again.fired), `${level}: a second run finds nothing to do`).toEqual({});
        if (level === 'all') {
          console.log(`${entry.name}: ${original.graph.nodes.length} -> ${model.graph.nodes.length} nodes in ${rounds} rounds;`,
            JSON.stringify(Object.fromEntries(fired)), JSON.stringify(opCounts(model.graph)));
        }
      }
    }, 300_000);
  }
});
