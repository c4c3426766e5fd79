/**
 * Depthwise 5x5 convolutions (wasm/assembly/depthwise-5x5.ts), MaxPool 3x3 at stride 2
 * (wasm/assembly/max-pool-3x3.ts) and Winograd F(4x4, 3x3) on few channels (24 -> 20) on sessions with intraOpNumThreads 2 and 3, whose channels
 * are cut into ranges that run on several threads, give the bits one thread gives: an odd
 * channel count and odd sizes, the convolutions at stride 1 with a fused
 * HardSwish and strides 2 down, 1 across. Each convolution is alone on its branch, so the
 * planar kernel runs it (a chain of them would go channels-last, optimizer/passes/layout-nhwc.ts);
 * the MaxPool, ceil mode, runs on the input and on the first convolution's output, the 3x3
 * convolution on 24 of the input's channels.
 */
import { describe, expect, it } from 'vitest';
import { InferenceSession, type Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';

const CHANNELS = 97;
const SPATIAL = [47, 57];
const OUTPUTS = ['Y1', 'Y2', 'Y3', 'Y4', 'Y5'];

function modelOf(rng: Rng): Uint8Array {
  const depthwise = (strides: number[]) => ({
    kernel_shape: attr.ints([5, 5]), pads: attr.ints([2, 2, 2, 2]), strides: attr.ints(strides), group: attr.int(CHANNELS),
  });
  const maxPool = { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) };
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['X', 'W1', 'B1'], outputs: ['a'], attributes: depthwise([1, 1]) },
      { op: 'HardSwish', inputs: ['a'], outputs: ['Y1'] },
      { op: 'Conv', inputs: ['X', 'W2'], outputs: ['Y2'], attributes: depthwise([2, 1]) },
      { op: 'MaxPool', inputs: ['X'], outputs: ['Y3'], attributes: maxPool },
      { op: 'MaxPool', inputs: ['Y1'], outputs: ['Y4'], attributes: maxPool },
      { op: 'Slice', inputs: ['X', 'starts', 'ends', 'axes'], outputs: ['x24'] },
      { op: 'Conv', inputs: ['x24', 'W3', 'B3'], outputs: ['Y5'], attributes: { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 0, 1, 2]) } },
    ],
    inputs: [{ name: 'X', type: 'float32', shape: [1, CHANNELS, ...SPATIAL] }],
    outputs: OUTPUTS.map((name) => ({ name, type: 'float32' as const })),
    initializers: {
      W1: randomDense('float32', [CHANNELS, 1, 5, 5], rng, -0.5, 0.5),
      B1: randomDense('float32', [CHANNELS], rng, -0.5, 0.5),
      W2: randomDense('float32', [CHANNELS, 1, 5, 5], rng, -0.5, 0.5),
      W3: randomDense('float32', [20, 24, 3, 3], rng, -0.5, 0.5),
      B3: randomDense('float32', [20], rng, -0.5, 0.5),
      starts: new DenseTensor('int64', [1], BigInt64Array.from([0n])),
      ends: new DenseTensor('int64', [1], BigInt64Array.from([24n])),
      axes: new DenseTensor('int64', [1], BigInt64Array.from([1n])),
    },
    opsets: { '': 14 },
  });
}

describe('depthwise 5x5 and MaxPool 3x3/2 on threaded sessions', () => {
  it.each([2, 3])('intraOpNumThreads %i gives the bits of 1', async (threads) => {
    const rng = new Rng(4700 + threads);
    const bytes = modelOf(rng);
    const one = await InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const many = await InferenceSession.create(bytes, { intraOpNumThreads: threads });
    try {
      for (let run = 0; run < 2; run++) {
        const feeds = { X: randomTensor('float32', [1, CHANNELS, ...SPATIAL], rng, -2, 2) };
        const [a, b] = [await one.run(feeds), await many.run(feeds)];
        for (const name of OUTPUTS) {
          expect(Array.from((b[name] as Tensor).data as Float32Array), `${name} run ${run}`).toEqual(Array.from((a[name] as Tensor).data as Float32Array));
        }
      }
    } finally {
      await one.release();
      await many.release();
    }
  });
});
