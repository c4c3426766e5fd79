/** graphOptimizationLevel, per-pass disabling and optimizedModelFilePath, as onnxruntime users set them. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { decodeModelProto } from '../../src/onnx/decode-model.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { runOnnxruntime } from '../support/differential.js';
import { attr, buildModel } from '../support/model-builder.js';

/** Conv -> BatchNormalization -> Identity -> Relu: basic removes the Identity, extended folds the BN and fuses the Relu. */
function convBnModel(): Uint8Array {
  const c = 3;
  const param = (values: number[]) => new DenseTensor('float32', [c], Float32Array.from(values));
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['conv'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
      { op: 'BatchNormalization', inputs: ['conv', 'scale', 'bias', 'mean', 'var'], outputs: ['bn'] },
      { op: 'Identity', inputs: ['bn'], outputs: ['same'] },
      { op: 'Relu', inputs: ['same'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [1, 2, 6, 6] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1, c, 6, 6] }],
    initializers: {
      w: new DenseTensor('float32', [c, 2, 3, 3], Float32Array.from({ length: c * 18 }, (_, i) => Math.sin(i))),
      scale: param([1.5, 0.5, 2]), bias: param([0.1, -0.2, 0.3]), mean: param([0.2, 0, -0.1]), var: param([1, 2, 0.5]),
    },
  });
}

const x = () => new Tensor('float32', Float32Array.from({ length: 72 }, (_, i) => Math.cos(i)), [1, 2, 6, 6]);

function opsOf(path: string): string[] {
  return (decodeModelProto(new Uint8Array(readFileSync(path))).graph?.node ?? []).map((n) => n.op_type ?? '');
}

describe('optimization session options', () => {
  it('writes the optimized model to optimizedModelFilePath, level by level, and it runs in onnxruntime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnxts-optopt-'));
    const expected = (await runOnnxruntime(convBnModel(), { x: x() })).y.data as Float32Array;
    const levels = { disabled: ['Conv', 'BatchNormalization', 'Identity', 'Relu'], basic: ['Conv', 'BatchNormalization', 'Relu'], all: ['FusedConv'] } as const;
    for (const [level, ops] of Object.entries(levels)) {
      const path = join(dir, `${level}.onnx`);
      const session = await InferenceSession.create(convBnModel(), { graphOptimizationLevel: level as 'all', optimizedModelFilePath: path });
      expect(opsOf(path), level).toEqual(ops);
      const ours = (await session.run({ x: x() })).y.data as Float32Array;
      const theirs = (await runOnnxruntime(new Uint8Array(readFileSync(path)), { x: x() })).y.data as Float32Array;
      ours.forEach((v, i) => {
        expect(Math.abs(v - expected[i]), `${level}: ours at ${i}`).toBeLessThan(1e-5);
        expect(Math.abs(theirs[i] - expected[i]), `${level}: onnxruntime on the saved model at ${i}`).toBeLessThan(1e-5);
      });
    }
  });

  it('turns passes off by name through extra.optimization.disable_specified_optimizers', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'onnxts-optoff-')), 'model.onnx');
    await InferenceSession.create(convBnModel(), {
      optimizedModelFilePath: path,
      extra: { optimization: { disable_specified_optimizers: 'FuseConvBatchNorm;FuseConvActivation' } },
    });
    expect(opsOf(path)).toEqual(['Conv', 'BatchNormalization', 'Relu']);
    expect(existsSync(`${path}.data`)).toBe(false);
  });
});
