/**
 * Which fusions fire on each model of the standard benchmark suite: prints the table (per
 * model, per pass, rewrite counts) and checks that the fusions the suite's models are known to
 * contain keep firing, so a pattern that stops matching a real exporter's graph is noticed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { standardSuite } from '../../src/tools/bench/standard-suite.js';
import { MODELS_DIR, readManifest } from '../models/manifest.js';
import { fusionsFired, fusionTableLine } from './fusions-fired.js';

/** Fusions the suite must keep showing, with a model each is known to fire on. */
const EXPECTED: Readonly<Record<string, string>> = {
  FuseConvBatchNorm: 'resnet50',
  FuseConvAdd: 'mnist_onnxjs',
  FuseConvMul: 'ppocrv4_rec_svtr',
  FuseMatMulAdd: 'mnist_onnxjs',
  FuseAttention: 'gpt2_small',
  FuseGelu: 'bert_base',
  FuseFastGelu: 'gpt2_small',
  FuseQuickGelu: 'yolox_nano_nms',
  FuseHardSigmoid: 'ppocrv3_det',
  FuseLayerNormalization: 'ppocrv4_rec_svtr',
  FuseSkipLayerNormalization: 'bert_base',
  FuseBiasGelu: 'gpt2_small',
  FuseMatMulScale: 'ppocrv4_rec_svtr',
  FuseConcatenatedHeadsAttention: 'chessgpt_tiny',
  FuseConvAddActivation: 'resnet50',
  FuseConvActivation: 'yolox_nano_nms',
  FreezeInitializerInputs: 'mnist_onnxjs',
  LayoutNhwc: 'mobilenet_v2',
};

describe('fusions across the standard suite', () => {
  it('fire where expected (table printed)', () => {
    const registry = defaultRegistry();
    const fired = new Map<string, Map<string, number>>();
    const lines: string[] = [];
    for (const entry of standardSuite(readManifest(), (file) => new Uint8Array(readFileSync(join(MODELS_DIR, file))))) {
      const result = fusionsFired(entry.bytes(), registry);
      fired.set(entry.name, result.fusions);
      lines.push(fusionTableLine(entry.name, result));
    }
    console.log(lines.join('\n'));
    for (const [pass, model] of Object.entries(EXPECTED)) expect(fired.get(model)?.get(pass), `${pass} on ${model}`).toBeGreaterThan(0);
  }, 600_000);
});
