/**
 * Which fusions fire on the model-zoo architectures (src/tools/model-builder/architectures/zoo),
 * built as their exporters write them: prints the table and checks the fusions whose patterns
 * the standard suite's models do not contain (RMSNormalization, Gemm + activation, the QDQ
 * groups, cross-attention) keep firing on a real exporter's graph.
 */
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { ZOO_ARCHITECTURES } from '../../src/tools/model-builder/architectures/zoo/index.js';
import { fusionsFired, fusionTableLine } from './fusions-fired.js';

/** Pass -> the architectures it must fire on. DistilBERT's have dynamic batch and sequence dims. */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  FuseRmsNormalization: ['llama_decoder'],
  FuseGemmActivation: ['bvlc_alexnet'],
  FuseQdqConv: ['qdq_resnet18'],
  FuseQdqBinary: ['qdq_resnet18'],
  FuseQdqMaxPool: ['qdq_resnet18'],
  FuseMultiHeadAttention: ['whisper_tiny'],
  FuseAttention: ['vit_tiny', 'distilbert'],
  FuseSkipLayerNormalization: ['distilbert'],
  FuseBiasGelu: ['distilbert'],
  LayoutNhwc: ['tf2onnx_mobilenet_v2'],
};

describe('fusions across the model-zoo architectures', () => {
  it('fire where expected (table printed)', () => {
    const registry = defaultRegistry();
    const fired = new Map<string, ReadonlyMap<string, number>>();
    const lines: string[] = [];
    for (const architecture of ZOO_ARCHITECTURES) {
      const result = fusionsFired(architecture.build('test'), registry);
      fired.set(architecture.name, result.fusions);
      lines.push(fusionTableLine(architecture.name, result));
    }
    console.log(lines.join('\n'));
    for (const [pass, models] of Object.entries(EXPECTED)) {
      for (const model of models) expect(fired.get(model)?.get(pass), `${pass} on ${model}`).toBeGreaterThan(0);
    }
  }, 600_000);
});
