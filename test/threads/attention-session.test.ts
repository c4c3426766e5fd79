/**
 * Attention (com.microsoft) through InferenceSession at 2 and 3 intra-op threads against 1:
 * the projection and the heads split across the pool with Q, K, V and the output in the run's
 * arena (the shared heap), the caller's heads computed as the helpers' are. Odd sequence
 * lengths and head counts that do not divide among the threads; an attention bias shared by
 * every head (as BERT exports give it), one per head, and a key mask.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { closeIntraOpThreads } from '../../src/backends/threads/intra-op.js';
import { nodePlatform } from '../../src/platform/node.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import { installPlatform } from '../../src/platform/platform.js';
import { attr, buildModel, DenseTensor } from '../support/model-builder.js';
import { randomTensor, Rng } from '../support/random.js';
import { workerScripts } from './support/worker-scripts.js';

beforeAll(async () => {
  installPlatform({ ...nodePlatform, startWorker: createNodeWorkerStarter(await workerScripts()) });
});

afterAll(async () => {
  await closeIntraOpThreads();
});

interface Case {
  readonly batch: number;
  readonly seq: number;
  readonly heads: number;
  readonly headSize: number;
  /** The attention bias's head dimension: 1 (shared by every head) or the head count; absent for none. */
  readonly biasHeads?: number;
  readonly keyMask?: boolean;
}

function attentionModel(c: Case, rng: Rng): Uint8Array {
  const hidden = c.heads * c.headSize;
  const weights = (dims: number[], scale: number) =>
    new DenseTensor('float32', dims, Float32Array.from(randomTensor('float32', dims, rng).data as Float32Array, (x) => x * scale));
  const inputs = ['x', 'w', 'b', c.keyMask ? 'mask' : '', '', c.biasHeads ? 'attention_bias' : ''];
  return buildModel({
    // The sum keeps the attention output a run's activation, in the arena, as in a model.
    nodes: [
      { op: 'Attention', domain: 'com.microsoft', inputs: inputs.slice(0, c.biasHeads ? 6 : c.keyMask ? 4 : 3), outputs: ['attended'], attributes: { num_heads: attr.int(c.heads) } },
      { op: 'Add', inputs: ['attended', 'x'], outputs: ['y'] },
    ],
    inputs: [
      { name: 'x', type: 'float32', shape: [c.batch, c.seq, hidden] },
      ...(c.keyMask ? [{ name: 'mask', type: 'int32' as const, shape: [c.batch, c.seq] }] : []),
      ...(c.biasHeads ? [{ name: 'attention_bias', type: 'float32' as const, shape: [1, c.biasHeads, c.seq, c.seq] }] : []),
    ],
    outputs: [{ name: 'y', type: 'float32', shape: [c.batch, c.seq, hidden] }],
    initializers: { w: weights([hidden, 3 * hidden], 0.2), b: weights([3 * hidden], 1) },
    opsets: { 'com.microsoft': 1 },
  });
}

function feedsOf(c: Case, rng: Rng): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = { x: randomTensor('float32', [c.batch, c.seq, c.heads * c.headSize], rng) };
  if (c.keyMask) feeds.mask = new Tensor('int32', Int32Array.from({ length: c.batch * c.seq }, (_, i) => (i % c.seq === 0 || rng.next() < 0.7 ? 1 : 0)), [c.batch, c.seq]);
  if (c.biasHeads) feeds.attention_bias = randomTensor('float32', [1, c.biasHeads, c.seq, c.seq], rng);
  return feeds;
}

const cases: Case[] = [
  { batch: 1, seq: 131, heads: 7, headSize: 32, biasHeads: 1 },
  { batch: 2, seq: 97, heads: 5, headSize: 24, biasHeads: 5 },
  { batch: 1, seq: 128, heads: 12, headSize: 64, biasHeads: 1 },
  { batch: 3, seq: 67, heads: 9, headSize: 40, keyMask: true },
  { batch: 1, seq: 160, heads: 4, headSize: 48 },
  // Two terms per score (a finite filter and a bias) sum in another order on helpers: within float32 rounding.
  { batch: 2, seq: 101, heads: 6, headSize: 32, biasHeads: 1, keyMask: true },
];

describe('Attention (com.microsoft) on several threads', () => {
  it.each(cases)('gives the one-thread output: %o', async (c) => {
    const rng = new Rng(c.seq * 31 + c.heads);
    const model = attentionModel(c, rng);
    const sessions: InferenceSession[] = [];
    for (const threads of [1, 2, 3]) sessions.push(await InferenceSession.create(model, { intraOpNumThreads: threads }));
    for (let run = 0; run < 2; run++) {
      const feeds = feedsOf(c, rng);
      const outputs: Float32Array[] = [];
      for (const session of sessions) outputs.push((await session.run(feeds)).y.data as Float32Array);
      const [one, ...more] = outputs;
      more.forEach((out, i) => {
        const what = `threads=${i + 2} run=${run}`;
        if (!(c.keyMask && c.biasHeads)) {
          expect(Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(Buffer.from(one.buffer, one.byteOffset, one.byteLength)), what).toBe(true);
          return;
        }
        let worst = 0;
        for (let j = 0; j < one.length; j++) worst = Math.max(worst, Math.abs(out[j] - one[j]) / (1e-3 + Math.abs(one[j])));
        expect(worst, what).toBeLessThan(1e-5);
      });
    }
    for (const session of sessions) await session.release();
  });
});
