/**
 * The threads through the public API, once inference-session.ts, executor.ts and gemm-core.ts
 * use them: extra.runInWorker (and env.wasm.proxy) move a session into a worker, and
 * intraOpNumThreads splits its GEMMs, with outputs bit-identical to one thread in this thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, InferenceSession, InvalidArgumentError, InvalidFeedError, Tensor } from '../../src/index.js';
import { nodePlatform } from '../../src/platform/node.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import { installPlatform } from '../../src/platform/platform.js';
import { closeIntraOpThreads } from '../../src/backends/threads/intra-op.js';
import { attr, buildModel, DenseTensor } from '../support/model-builder.js';
import { randomTensor, Rng } from '../support/random.js';
import { workerScripts } from './support/worker-scripts.js';

const rng = new Rng(3);
const weights = (dims: number[]) => new DenseTensor('float32', dims, randomTensor('float32', dims, rng).data as Float32Array);
// Large enough for the GEMMs to be split: Conv 64 -> 64 3x3 on 32 x 32 is 38M multiply-adds.
const model = buildModel({
  nodes: [
    { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
    { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
    { op: 'Conv', inputs: ['r1', 'w2', 'b2'], outputs: ['c2'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
    { op: 'Flatten', inputs: ['c2'], outputs: ['flat'] },
    { op: 'MatMul', inputs: ['flat', 'fc'], outputs: ['y'] },
  ],
  inputs: [{ name: 'x', type: 'float32', shape: [1, 16, 32, 32] }],
  outputs: [{ name: 'y', type: 'float32', shape: [1, 256] }],
  initializers: { w1: weights([64, 16, 3, 3]), w2: weights([64, 64, 3, 3]), b2: weights([64]), fc: weights([65536, 256]) },
});
const feeds = () => ({ x: randomTensor('float32', [1, 16, 32, 32], rng) as Tensor });

beforeAll(async () => {
  installPlatform({ ...nodePlatform, startWorker: createNodeWorkerStarter(await workerScripts()) });
});

afterAll(async () => {
  env.wasm.proxy = undefined;
  await closeIntraOpThreads();
});

function bytesOf(t: Tensor): Buffer {
  const d = t.data as Float32Array;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

describe('through InferenceSession', () => {
  it('intraOpNumThreads 2 gives the bits of 1', async () => {
    const one = await InferenceSession.create(model, { intraOpNumThreads: 1 });
    const two = await InferenceSession.create(model, { intraOpNumThreads: 2 });
    for (let i = 0; i < 3; i++) {
      const f = feeds();
      expect(bytesOf((await two.run(f)).y as Tensor).equals(bytesOf((await one.run(f)).y as Tensor))).toBe(true);
    }
  });

  it('extra.runInWorker and env.wasm.proxy run it in a worker, with the same outputs and errors', async () => {
    const local = await InferenceSession.create(model, { intraOpNumThreads: 1 });
    const inWorker = await InferenceSession.create(model, { extra: { runInWorker: true } });
    env.wasm.proxy = true;
    const proxied = await InferenceSession.create(model);
    env.wasm.proxy = undefined;
    try {
      expect(inWorker.inputNames).toEqual(['x']);
      const f = feeds();
      const want = bytesOf((await local.run(f)).y as Tensor);
      expect(bytesOf((await inWorker.run(f)).y as Tensor).equals(want)).toBe(true);
      expect(bytesOf((await proxied.run(f)).y as Tensor).equals(want)).toBe(true);
      await expect(inWorker.run({})).rejects.toBeInstanceOf(InvalidFeedError);
    } finally {
      await inWorker.release();
      await proxied.release();
    }
    await expect(inWorker.run(feeds())).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
