/**
 * In a session, convolutions and pooling read and write the run's activation arena where it
 * lies in the GEMM heap: once a run has an arena, the conv module copies only the model's input
 * (a feed) in and its output (which the run hands out) out, and every run gives the first
 * run's results bit for bit (the first run records the layout, on ordinary arrays it copies).
 */
import { describe, expect, it } from 'vitest';
import { InferenceSession } from '../../../src/api/inference-session.js';
import { Tensor } from '../../../src/api/tensor.js';
import { convTraffic } from '../../../src/backends/wasm/conv-operands.js';
import { wasmConvVariant } from '../../../src/backends/wasm/wasm-conv.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';

const C = 16, H = 15, W = 13;

/** Conv 3x3 (Winograd) -> Relu -> depthwise 3x3/2 -> MaxPool 2x2 -> Conv 1x1 -> Conv 3x3/2 (implicit GEMM) with a bias. */
function convChain(rng: Rng): Uint8Array {
  const weights = (name: string, dims: number[]): [string, DenseTensor] => [name, new DenseTensor('float32', dims, rng.floats(dims.reduce((a, b) => a * b, 1)))];
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1'], outputs: ['a'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
      { op: 'Relu', inputs: ['a'], outputs: ['r'] },
      { op: 'Conv', inputs: ['r', 'w2'], outputs: ['d'], attributes: { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]), group: attr.int(C) } },
      { op: 'MaxPool', inputs: ['d'], outputs: ['p'], attributes: { kernel_shape: attr.ints([2, 2]), pads: attr.ints([0, 0, 1, 1]) } },
      { op: 'Conv', inputs: ['p', 'w3'], outputs: ['q'] },
      { op: 'Conv', inputs: ['q', 'w4', 'b4'], outputs: ['y'], attributes: { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) } },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [1, C, H, W] }],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers: Object.fromEntries([
      weights('w1', [C, C, 3, 3]), weights('w2', [C, 1, 3, 3]), weights('w3', [24, C, 1, 1]), weights('w4', [7, 24, 3, 3]), weights('b4', [7]),
    ]),
  });
}

describe('convolutions in a session', () => {
  const run = wasmConvVariant() ? it : it.skip;

  run('copy no activations once runs have an arena, and match the first run bit for bit', async () => {
    const rng = new Rng(3);
    const session = await InferenceSession.create(convChain(rng));
    const x = new Tensor('float32', rng.floats(C * H * W), [1, C, H, W]);
    const first = (await session.run({ x })).y.data as Float32Array;
    for (let round = 1; round < 4; round++) {
      const before = { ...convTraffic };
      const outputs = await session.run({ x });
      const y = outputs.y.data as Float32Array;
      expect(Array.from(y), `run ${round + 1}`).toEqual(Array.from(first));
      // Outputs leave the arena as copies: never views of the (shared) heap's memory.
      expect(y.buffer instanceof ArrayBuffer, `run ${round + 1}`).toBe(true);
      if (round < 2) continue;
      expect(convTraffic.copiedFloats - before.copiedFloats, `run ${round + 1}: only the model's input and last output are copied`).toBe(C * H * W + y.length);
      expect(convTraffic.operandsInPlace - before.operandsInPlace, `run ${round + 1}`).toBeGreaterThanOrEqual(5);
    }
    await session.release();
  });
});
