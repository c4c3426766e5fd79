/**
 * Sessions with intraOpNumThreads 2 and 3 run their GEMMs on a shared heap: the WebAssembly
 * recurrent steps (constant R kept in that heap), plane reductions and ConvTranspose scatter
 * must give there the bits one thread gives.
 */
import { describe, expect, it } from 'vitest';
import { InferenceSession, type Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';

/** GRU (seq 33, hidden 4), LSTM (one step, hidden 40) and ReduceMean, ConvTranspose and GlobalAveragePool on the GRU's output. */
function modelOf(rng: Rng): Uint8Array {
  const [seq, input] = [33, 8];
  return buildModel({
    nodes: [
      { op: 'GRU', inputs: ['X', 'Wg', 'Rg', 'Bg'], outputs: ['Yg'], attributes: { hidden_size: attr.int(4), direction: attr.string('bidirectional'), linear_before_reset: attr.int(1) } },
      { op: 'LSTM', inputs: ['X1', 'Wl', 'Rl', 'Bl'], outputs: ['Yl'], attributes: { hidden_size: attr.int(40) } },
      { op: 'Reshape', inputs: ['Yg', 'shape'], outputs: ['image'] },
      { op: 'ConvTranspose', inputs: ['image', 'Wt', 'Bt'], outputs: ['up'], attributes: { strides: attr.ints([1, 2]), pads: attr.ints([0, 2, 0, 2]), group: attr.int(2) } },
      { op: 'ReduceMean', inputs: ['up'], outputs: ['mean'], attributes: { axes: attr.ints([-1]), keepdims: attr.int(0) } },
      { op: 'GlobalAveragePool', inputs: ['up'], outputs: ['pooled'] },
    ],
    inputs: [{ name: 'X', type: 'float32', shape: [seq, 1, input] }, { name: 'X1', type: 'float32', shape: [1, 1, input] }],
    outputs: ['Yg', 'Yl', 'up', 'mean', 'pooled'].map((name) => ({ name, type: 'float32' as const })),
    initializers: {
      Wg: randomDense('float32', [2, 12, input], rng, -1, 1),
      Rg: randomDense('float32', [2, 12, 4], rng, -1, 1),
      Bg: randomDense('float32', [2, 24], rng, -1, 1),
      Wl: randomDense('float32', [1, 160, input], rng, -0.5, 0.5),
      Rl: randomDense('float32', [1, 160, 40], rng, -0.3, 0.3),
      Bl: randomDense('float32', [1, 320], rng, -0.5, 0.5),
      // Y [33, 2, 1, 4] as an image [1, 8, 1, 33]: 8 channels, 2 groups of 4.
      shape: new DenseTensor('int64', [4], BigInt64Array.from([1n, 8n, 1n, 33n])),
      Wt: randomDense('float32', [8, 3, 1, 5], rng, -1, 1),
      Bt: randomDense('float32', [6], rng, -1, 1),
    },
    opsets: { '': 14 },
  });
}

describe('recurrent steps, plane reductions and ConvTranspose scatter on threaded sessions', () => {
  it.each([2, 3])('intraOpNumThreads %i gives the bits of 1, run after run', async (threads) => {
    const rng = new Rng(4600 + threads);
    const bytes = modelOf(rng);
    const one = await InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const many = await InferenceSession.create(bytes, { intraOpNumThreads: threads });
    try {
      for (let run = 0; run < 3; run++) {
        const feeds = { X: randomTensor('float32', [33, 1, 8], rng, -2, 2), X1: randomTensor('float32', [1, 1, 8], rng, -2, 2) };
        const [a, b] = [await one.run(feeds), await many.run(feeds)];
        for (const name of ['Yg', 'Yl', 'up', 'mean', 'pooled']) {
          expect(Array.from((b[name] as Tensor).data as Float32Array), `${name} run ${run}`).toEqual(Array.from((a[name] as Tensor).data as Float32Array));
        }
      }
    } finally {
      await one.release();
      await many.release();
    }
  });
});
