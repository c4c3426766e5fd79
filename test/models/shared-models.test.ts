/**
 * Differential tests on the real models in ../shared/models: our outputs against
 * onnxruntime-node's on the manifest's input recipe. Float models must agree within
 * rtol 1e-3 / atol 1e-4. Models not yet listed in DIFFERENTIAL must still fail to load with a
 * KernelNotFoundError naming an op we lack, so support arriving for them shows up here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, KernelNotFoundError, type Tensor } from '../../src/index.js';
import { expectTensorsClose, runOnnxruntime } from '../support/differential.js';
import { MODELS_DIR, readManifest, recipeFeeds } from './manifest.js';

const DIFFERENTIAL = new Set([
  'chessgpt_tiny', 'ppocrv4_rec_svtr', 'ppocrv3_det', 'mnist_onnxjs', 'super_resolution_tutorial', 'ultraface_rfb320',
  'silero_vad', 'gtcrn_stream', 'ppocr_rec_en_number_v2', 'yolox_nano_nms',
]);

const FLOAT_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

const manifest = readManifest();

describe('real models match onnxruntime-node', () => {
  for (const model of manifest.filter((m) => DIFFERENTIAL.has(m.name))) {
    it(model.name, async () => {
      const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, model.file)));
      const feeds = recipeFeeds(model);
      const session = await InferenceSession.create(bytes);
      const ours = (await session.run(feeds)) as Record<string, Tensor>;
      const theirs = await runOnnxruntime(bytes, feeds);
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      for (const [name, expected] of Object.entries(theirs)) {
        expectTensorsClose(ours[name], expected, FLOAT_TOLERANCE, `${model.name} output '${name}'`);
      }
    }, 300_000);
  }
});

describe('models awaiting operators', () => {
  for (const model of manifest.filter((m) => !DIFFERENTIAL.has(m.name))) {
    it(`${model.name} names an operator it lacks`, async () => {
      const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, model.file)));
      const error = await InferenceSession.create(bytes).then(() => undefined, (e: unknown) => e);
      expect(error, `${model.name} now loads: add it to DIFFERENTIAL`).toBeInstanceOf(KernelNotFoundError);
    });
  }
});
