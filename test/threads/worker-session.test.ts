/**
 * Sessions run in worker threads (RemoteSession over Node worker_threads) against the same
 * models run on the test's own thread: identical outputs, concurrent runs, errors that keep
 * their class, release() that ends the workers, and workers that die without leaving a run
 * waiting or a process that cannot exit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  InferenceSession, InvalidArgumentError, InvalidFeedError, ModelLoadError, NodeError, Tensor, type OnnxValue,
} from '../../src/index.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import type { WorkerHandle, WorkerStarter } from '../../src/platform/worker-handle.js';
import { RemoteSession } from '../../src/runtime/threads/remote-session.js';
import { WorkerError } from '../../src/runtime/threads/worker-error.js';
import { MODELS_DIR, readManifest, recipeFeeds } from '../models/manifest.js';
import { attr, buildModel, DenseTensor } from '../support/model-builder.js';
import { randomTensor, Rng } from '../support/random.js';
import { workerScripts } from './support/worker-scripts.js';

let scripts: URL;
let start: WorkerStarter;

beforeAll(async () => {
  scripts = await workerScripts();
  start = createNodeWorkerStarter(scripts);
});

const rng = new Rng(7);
const floats = (dims: number[]) => new DenseTensor('float32', dims, (randomTensor('float32', dims, rng).data as Float32Array));

/** Conv -> Relu -> flatten -> MatMul -> Softmax, with a symbolic batch. */
const cnnModel = buildModel({
  nodes: [
    { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['conv'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
    { op: 'Relu', inputs: ['conv'], outputs: ['relu'] },
    { op: 'Flatten', inputs: ['relu'], outputs: ['flat'] },
    { op: 'MatMul', inputs: ['flat', 'fc'], outputs: ['logits'] },
    { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attributes: { axis: attr.int(1) } },
    { op: 'ArgMax', inputs: ['logits'], outputs: ['best'], attributes: { axis: attr.int(1) } },
  ],
  inputs: [{ name: 'x', type: 'float32', shape: ['batch', 3, 8, 8] }],
  outputs: [
    { name: 'probs', type: 'float32', shape: ['batch', 10] },
    { name: 'best', type: 'int64', shape: ['batch', 1] },
  ],
  initializers: { w: floats([4, 3, 3, 3]), b: floats([4]), fc: floats([256, 10]) },
});

/** Reshape to a shape from the feeds: a wrong one fails inside the kernel, as a NodeError. */
const reshapeModel = buildModel({
  nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'], name: 'the_reshape' }],
  inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }, { name: 'shape', type: 'int64', shape: [2] }],
  outputs: [{ name: 'y', type: 'float32' }],
});

/** A chain of 512 x 512 MatMuls: long enough to watch the calling thread's event loop during a run. */
const slowModel = buildModel({
  nodes: Array.from({ length: 12 }, (_, i) => ({ op: 'MatMul', inputs: [i === 0 ? 'x' : `h${i}`, 'w'], outputs: [i === 11 ? 'y' : `h${i + 1}`] })),
  inputs: [{ name: 'x', type: 'float32', shape: [512, 512] }],
  outputs: [{ name: 'y', type: 'float32', shape: [512, 512] }],
  initializers: { w: new DenseTensor('float32', [512, 512], new Float32Array(512 * 512).fill(1 / 512)) },
});

function cnnFeeds(batch: number): Record<string, Tensor> {
  return { x: randomTensor('float32', [batch, 3, 8, 8], rng) as Tensor };
}

function expectSameValues(actual: Record<string, OnnxValue>, expected: Record<string, OnnxValue>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) expectSameValue(actual[name], value, name);
}

function expectSameValue(actual: OnnxValue, expected: OnnxValue, where: string): void {
  if (expected instanceof Tensor) {
    expect(actual, where).toBeInstanceOf(Tensor);
    const got = actual as Tensor;
    expect(got.type, where).toBe(expected.type);
    expect(got.dims, where).toEqual(expected.dims);
    expect(got.data.constructor, where).toBe(expected.data.constructor);
    // Bit for bit: a worker runs the same kernels, so even NaN payloads and -0 must agree.
    if (ArrayBuffer.isView(expected.data)) {
      const bytes = (t: Tensor) => new Uint8Array((t.data as Uint8Array).buffer, (t.data as Uint8Array).byteOffset, (t.data as Uint8Array).byteLength);
      expect(Buffer.compare(bytes(got), bytes(expected)), where).toBe(0);
    } else expect(got.data, where).toEqual(expected.data);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), where).toBe(true);
    const list = actual as OnnxValue[];
    expect(list.length, where).toBe(expected.length);
    expected.forEach((e, i) => expectSameValue(list[i], e, `${where}[${i}]`));
    return;
  }
  expect(actual, where).toEqual(expected);
}

async function remote(model: Uint8Array | string, workers = 1, starter = start): Promise<RemoteSession> {
  const source = typeof model === 'string' ? { location: model, externalData: [] } : { bytes: model, externalData: [] };
  return RemoteSession.create(starter, source, {}, workers);
}

/** The rejection of a promise (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A starter that remembers the handles it starts. */
function recording(base: WorkerStarter): { starter: WorkerStarter; handles: WorkerHandle[] } {
  const handles: WorkerHandle[] = [];
  return { handles, starter: (role) => { const h = base(role); handles.push(h); return h; } };
}

describe('outputs in a worker equal those on the calling thread', () => {
  it('a built CNN, with names and metadata', async () => {
    const local = await InferenceSession.create(cnnModel);
    const session = await remote(cnnModel);
    try {
      expect(session.inputNames).toEqual(local.inputNames);
      expect(session.outputNames).toEqual(local.outputNames);
      expect(session.inputMetadata).toEqual(local.inputMetadata);
      expect(session.outputMetadata).toEqual(local.outputMetadata);
      for (const batch of [1, 3]) {
        const feeds = cnnFeeds(batch);
        expectSameValues(await session.run(feeds, undefined, undefined), await local.run(feeds));
      }
      const feeds = cnnFeeds(2);
      expectSameValues(await session.run(feeds, ['best'], undefined), await local.run(feeds, ['best']));
    } finally {
      await session.release();
    }
  });

  it('string tensors, and the caller keeps its feeds', async () => {
    const model = buildModel({
      nodes: [{ op: 'Identity', inputs: ['names'], outputs: ['same'] }, { op: 'Abs', inputs: ['x'], outputs: ['ax'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }, { name: 'names', type: 'string', shape: [2] }],
      outputs: [{ name: 'same', type: 'string', shape: [2] }, { name: 'ax', type: 'float32', shape: [2, 3] }],
    });
    const local = await InferenceSession.create(model);
    const session = await remote(model);
    try {
      const feeds = { x: new Tensor('float32', Float32Array.from([-1, 2, -3, 4, -0, Number.NaN]), [2, 3]), names: new Tensor('string', ['a', 'b'], [2]) };
      expectSameValues(await session.run(feeds, undefined, undefined), await local.run(feeds));
      expect(feeds.x.data.length).toBe(6);
    } finally {
      await session.release();
    }
  });

  it.skipIf(!existsSync(join(MODELS_DIR, 'MANIFEST.json')))('models from ../shared/models', async () => {
    const wanted = ['mnist_onnxjs', 'super_resolution_tutorial', 'silero_vad'];
    for (const model of readManifest().filter((m) => wanted.includes(m.name))) {
      const path = join(MODELS_DIR, model.file);
      const feeds = recipeFeeds(model);
      const local = await InferenceSession.create(path);
      const session = await remote(path);
      try {
        expectSameValues(await session.run(feeds, undefined, undefined), await local.run(feeds));
      } finally {
        await session.release();
      }
    }
  });
});

describe('concurrent runs', () => {
  it.each([1, 2])('all return their own outputs with %i worker(s)', async (workers) => {
    const local = await InferenceSession.create(cnnModel);
    const session = await remote(cnnModel, workers);
    try {
      const feeds = Array.from({ length: 8 }, (_, i) => cnnFeeds(1 + (i % 3)));
      const results = await Promise.all(feeds.map((f) => session.run(f, undefined, undefined)));
      for (let i = 0; i < feeds.length; i++) expectSameValues(results[i], await local.run(feeds[i]));
    } finally {
      await session.release();
    }
  });

  it('keep the calling thread free while a long run is in the worker', async () => {
    const session = await remote(slowModel);
    try {
      const feeds = { x: new Tensor('float32', new Float32Array(512 * 512).fill(1), [512, 512]) };
      await session.run(feeds, undefined, undefined);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 2);
      const began = performance.now();
      await session.run(feeds, undefined, undefined);
      const took = performance.now() - began;
      clearInterval(timer);
      // A run on this thread would let no timer fire at all; allow for a loaded machine.
      if (took > 50) expect(ticks).toBeGreaterThan(2);
    } finally {
      await session.release();
    }
  });
});

describe('errors keep their class across the boundary', () => {
  it('ModelLoadError from creation, with its problem', async () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>Sign in</body></html>');
    const local = await rejectionOf(InferenceSession.create(html));
    const error = await rejectionOf(remote(html));
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).problem).toBe((local as ModelLoadError).problem);
    expect(error.message).toBe(local.message);

    const missing = await rejectionOf(remote('/no/such/model.onnx'));
    expect(missing).toBeInstanceOf(ModelLoadError);
    expect((missing as ModelLoadError).problem).toBe('unreadable');
  });

  it('InvalidFeedError, TypeError and NodeError from run(), with the in-thread messages', async () => {
    const local = await InferenceSession.create(reshapeModel);
    const session = await remote(reshapeModel);
    try {
      const x = new Tensor('float32', new Float32Array(6), [2, 3]);
      const cases: [unknown, unknown][] = [
        [{ x }, undefined],
        [{ x, shape: new Tensor('int64', BigInt64Array.from([3n, 2n]), [2]), extra: x }, undefined],
        [x, undefined],
        [{ x, shape: new Tensor('int64', BigInt64Array.from([4n, 2n]), [2]) }, undefined],
        [{ x, shape: new Tensor('int64', BigInt64Array.from([3n, 2n]), [2]) }, ['nope']],
      ];
      const classes = [InvalidFeedError, InvalidFeedError, TypeError, NodeError, InvalidFeedError];
      for (const [i, [feeds, fetches]] of cases.entries()) {
        const expected = await rejectionOf(local.run(feeds as never, fetches as never));
        const error = await rejectionOf(session.run(feeds, fetches, undefined));
        expect(error, `case ${i}`).toBeInstanceOf(classes[i]);
        expect(error.name, `case ${i}`).toBe(expected.name);
        expect(error.message, `case ${i}`).toBe(expected.message);
      }
      const nodeError = await rejectionOf(session.run({ x, shape: new Tensor('int64', BigInt64Array.from([4n, 2n]), [2]) }, undefined, undefined));
      expect((nodeError as NodeError).node).toMatchObject({ name: 'the_reshape', opType: 'Reshape' });
      // The session is still usable after a failed run.
      const { y } = await session.run({ x, shape: new Tensor('int64', BigInt64Array.from([3n, 2n]), [2]) }, undefined, undefined);
      expect((y as Tensor).dims).toEqual([3, 2]);
    } finally {
      await session.release();
    }
  });

  it('arguments that cannot be copied to the worker are an InvalidFeedError', async () => {
    const session = await remote(reshapeModel);
    try {
      const error = await rejectionOf(session.run({ x: () => 0 }, undefined, undefined));
      expect(error).toBeInstanceOf(InvalidFeedError);
    } finally {
      await session.release();
    }
  });
});

describe('release() and workers that stop', () => {
  it('release() terminates the workers and rejects what is pending', async () => {
    const { starter, handles } = recording(start);
    const session = await remote(slowModel, 2, starter);
    const terminated: WorkerHandle[] = [];
    for (const handle of handles) {
      const terminate = handle.terminate.bind(handle);
      handle.terminate = async () => {
        await terminate();
        terminated.push(handle);
      };
    }
    const feeds = { x: new Tensor('float32', new Float32Array(512 * 512), [512, 512]) };
    const pending = [1, 2, 3].map(() => rejectionOf(session.run(feeds, undefined, undefined)));
    await session.release();
    expect(terminated).toHaveLength(2);
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(WorkerError);
    const after = await rejectionOf(session.run(feeds, undefined, undefined));
    expect(after).toBeInstanceOf(InvalidArgumentError);
    await session.release();
  });

  it('a worker that dies rejects its run, and later runs, instead of hanging', async () => {
    const { starter, handles } = recording(createNodeWorkerStarter(new URL('crashing/', scripts)));
    const session = await remote(reshapeModel, 1, starter);
    const feeds = { x: new Tensor('float32', new Float32Array(6), [2, 3]), shape: new Tensor('int64', BigInt64Array.from([6n, 1n]), [2]) };
    expect(((await session.run(feeds, undefined, undefined)).y as Tensor).dims).toEqual([6, 1]);
    handles[0].postMessage('die');
    const error = await rejectionOf(session.run(feeds, undefined, undefined));
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.message).toMatch(/stopped during this run: the worker exited with code 3/);
    expect(await rejectionOf(session.run(feeds, undefined, undefined))).toBeInstanceOf(WorkerError);
    await session.release();
  });

  it('with two workers, runs go on on the one left', async () => {
    const { starter, handles } = recording(createNodeWorkerStarter(new URL('crashing/', scripts)));
    const session = await remote(reshapeModel, 2, starter);
    const feeds = { x: new Tensor('float32', new Float32Array(6), [2, 3]), shape: new Tensor('int64', BigInt64Array.from([2n, 3n]), [2]) };
    handles[0].postMessage('die');
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => session.run(feeds, undefined, undefined)));
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    // Only a run already sent to the dying worker may fail.
    expect(rejected.length).toBeLessThanOrEqual(1);
    for (const r of rejected) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WorkerError);
    expect(((await session.run(feeds, undefined, undefined)).y as Tensor).dims).toEqual([2, 3]);
    await session.release();
  });

  it('a worker script that cannot start rejects creation', async () => {
    const error = await rejectionOf(remote(reshapeModel, 1, createNodeWorkerStarter(new URL('file:///no/such/folder/'))));
    expect(error).toBeInstanceOf(WorkerError);
  });

  it('an idle session that was never released does not keep the process alive', () => {
    const script = fileURLToPath(new URL('idle-session-process.js', scripts));
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.error).toBeUndefined();
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout.trim())).toEqual([0, 0, 2]);
  });
});
