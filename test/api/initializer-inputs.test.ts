/**
 * Initializers that are also graph inputs (old exporters list every weight that way): the
 * session folds them as constants, so Conv + BatchNormalization still fuse, and a run that
 * feeds one of them gets the model with that input overridden (IR >= 4), as the spec allows.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { decodeModelProto } from '../../src/onnx/decode-model.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { expectMatchesOnnxruntime, expectTensorsClose } from '../support/differential.js';
import { attr, buildModel } from '../support/model-builder.js';
import { randomDense, Rng } from '../support/random.js';

const rng = new Rng(21);
const weights: Record<string, DenseTensor> = {
  w: randomDense('float32', [3, 2, 3, 3], rng),
  scale: randomDense('float32', [3], rng),
  shift: randomDense('float32', [3], rng),
  mean: randomDense('float32', [3], rng),
  variance: randomDense('float32', [3], rng, 0.5, 2),
};

function convBatchNorm(irVersion: number, listed: boolean, initializers = weights): Uint8Array {
  const weightInputs = Object.entries(initializers).map(([name, t]) => ({ name, type: 'float32' as const, shape: [...t.dims] }));
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
      { op: 'BatchNormalization', inputs: ['c', 'scale', 'shift', 'mean', 'variance'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [1, 2, 5, 7] }, ...(listed ? weightInputs : [])],
    outputs: [{ name: 'y', type: 'float32', shape: [1, 3, 5, 7] }],
    initializers,
    irVersion,
    opsets: { '': 15 },
  });
}

const x = () => new Tensor('float32', (randomDense('float32', [1, 2, 5, 7], new Rng(5)).data as Float32Array).slice(), [1, 2, 5, 7]);

async function savedOps(model: Uint8Array): Promise<string[]> {
  const path = join(mkdtempSync(join(tmpdir(), 'onnxts-init-inputs-')), 'optimized.onnx');
  await InferenceSession.create(model, { optimizedModelFilePath: path });
  return decodeModelProto(new Uint8Array(readFileSync(path))).graph.node.map((n) => n.opType);
}

describe('initializers listed as graph inputs', () => {
  it('fold into the Conv like plain initializers', async () => {
    expect(await savedOps(convBatchNorm(8, true))).toEqual(await savedOps(convBatchNorm(8, false)));
    expect(await savedOps(convBatchNorm(8, true))).not.toContain('BatchNormalization');
  });

  it('give onnxruntime-node\'s outputs when not fed', async () => {
    await expectMatchesOnnxruntime(convBatchNorm(8, true), { x: x() });
  });

  it('can still be overridden by a feed, before and after runs that do not feed them', async () => {
    const session = await InferenceSession.create(convBatchNorm(8, true));
    const plain = (await session.run({ x: x() })).y;
    const scale = randomDense('float32', [3], new Rng(8));
    const overridden = (await session.run({ x: x(), scale: new Tensor('float32', scale.data as Float32Array, [3]) })).y;
    const reference = await InferenceSession.create(convBatchNorm(8, false, { ...weights, scale }));
    expectTensorsClose(overridden, (await reference.run({ x: x() })).y, { rtol: 1e-5, atol: 1e-6 }, 'overridden');
    expect(Array.from(overridden.data as Float32Array)).not.toEqual(Array.from(plain.data as Float32Array));
    expectTensorsClose((await session.run({ x: x() })).y, plain, { rtol: 0, atol: 0 }, 'not fed again');
    await session.release();
  });
});
