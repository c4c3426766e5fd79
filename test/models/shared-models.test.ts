/**
 * Differential tests on the real models in ../shared/models: our outputs against
 * onnxruntime-node's on the manifest's input recipe. Float models must agree within
 * rtol 1e-3 / atol 1e-4. Every model of the manifest is in the suite.
 *
 * The int8 models: mobilenetv2_12_int8 (static QOperator quantization) is exact. In
 * yolo11n_int8_dynamic, DynamicQuantizeLinear recomputes scales from float activations at
 * every layer, so a float difference of one ulp upstream can move a value across a rounding
 * boundary and flip one int8 code, which later layers amplify into box coordinates. The bound
 * is one such flip's worth at the output: 12 box pixels (onnxruntime-web itself differs from
 * onnxruntime-node by 11.5 here), with the mean difference under 0.1 pixel, which only a
 * handful of flipped codes can satisfy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, type Tensor } from '../../src/index.js';
import { expectTensorsClose, runOnnxruntime } from '../support/differential.js';
import { MODELS_DIR, readManifest, recipeFeeds } from './manifest.js';

const FLOAT_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };
const INT8_DYNAMIC_TOLERANCE = { rtol: 0, atol: 12, meanAbs: 0.1 };

const DIFFERENTIAL = new Map<string, { rtol: number; atol: number; meanAbs?: number }>([
  ...[
    'chessgpt_tiny', 'ppocrv4_rec_svtr', 'ppocrv3_det', 'mnist_onnxjs', 'super_resolution_tutorial', 'ultraface_rfb320',
    'silero_vad', 'gtcrn_stream', 'ppocr_rec_en_number_v2', 'yolox_nano_nms', 'mobilenetv2_12_int8',
  ].map((name) => [name, FLOAT_TOLERANCE] as const),
  ['yolo11n_int8_dynamic', INT8_DYNAMIC_TOLERANCE],
]);

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
      const tolerance = DIFFERENTIAL.get(model.name)!;
      for (const [name, expected] of Object.entries(theirs)) {
        expectTensorsClose(ours[name], expected, tolerance, `${model.name} output '${name}'`);
        if (tolerance.meanAbs !== undefined) {
          const a = ours[name].data as Float32Array;
          const e = expected.data as Float32Array;
          const mean = a.reduce((sum, v, i) => sum + Math.abs(v - e[i]), 0) / Math.max(1, a.length);
          expect(mean, `${model.name} output '${name}': mean abs difference`).toBeLessThan(tolerance.meanAbs);
        }
      }
    }, 300_000);
  }
});

it('covers every model in the manifest', () => {
  expect(manifest.map((m) => m.name).filter((name) => !DIFFERENTIAL.has(name))).toEqual([]);
});
