/**
 * The two int8 models in ../shared/models against onnxruntime-node on the manifest's inputs.
 * MobileNetV2 (QLinearConv, QLinearMatMul, com.microsoft QLinearAdd and
 * QLinearGlobalAveragePool) agrees code for code, so its float output is identical. YOLO11n
 * (DynamicQuantizeLinear, ConvInteger) cannot: its float Sigmoid differs from onnxruntime's
 * approximation by ~1e-7, and each DynamicQuantizeLinear turns such differences into one-step
 * flips of a few activation codes that propagate (onnxruntime-web differs from -node by the
 * same 11.5 box pixels, per the manifest); the bound below is that, and the mean stays small.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, type Tensor } from '../../../src/index.js';
import { expectTensorsClose, runOnnxruntime } from '../../support/differential.js';
import { MODELS_DIR, readManifest, recipeFeeds } from '../../models/manifest.js';
import { EXACT } from './quant-model.js';

type OrtOutputs = Awaited<ReturnType<typeof runOnnxruntime>>;

async function bothRuntimes(name: string): Promise<{ ours: Record<string, Tensor>; theirs: OrtOutputs }> {
  const model = readManifest().find((m) => m.name === name)!;
  const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, model.file)));
  const feeds = recipeFeeds(model);
  const ours = (await (await InferenceSession.create(bytes)).run(feeds)) as Record<string, Tensor>;
  return { ours, theirs: await runOnnxruntime(bytes, feeds) };
}

describe('int8 models against onnxruntime-node', () => {
  it('mobilenetv2_12_int8 agrees exactly', async () => {
    const { ours, theirs } = await bothRuntimes('mobilenetv2_12_int8');
    expectTensorsClose(ours.output, theirs.output, EXACT, 'mobilenetv2_12_int8 output');
  }, 300_000);

  it('yolo11n_int8_dynamic agrees to within a few quantization steps', async () => {
    const { ours, theirs } = await bothRuntimes('yolo11n_int8_dynamic');
    const a = ours.output0.data as Float32Array;
    const e = theirs.output0.data as Float32Array;
    expect(ours.output0.dims).toEqual(theirs.output0.dims);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < e.length; i++) {
      const d = Math.abs(a[i] - e[i]);
      max = Math.max(max, d);
      sum += d;
    }
    expect(max).toBeLessThan(12);
    expect(sum / e.length).toBeLessThan(0.05);
  }, 300_000);
});
