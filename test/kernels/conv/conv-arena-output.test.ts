/**
 * Conv and FusedConv write Y into the run's activation arena, which is not zeroed and holds the
 * previous run's values: every run must match onnxruntime on its own feeds, on the WebAssembly
 * path and on the TypeScript one (env.wasm.simd off), whose loops add into Y.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { InferenceSession } from '../../../src/api/inference-session.js';
import { Tensor } from '../../../src/api/tensor.js';
import { expectTensorsClose, runOnnxruntime } from '../../support/differential.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';

/** X -> Conv(W1, pads 1, grouped: depthwise where group = c) -> Relu -> Conv(W2, B2, stride 2) -> Y: the first Conv, whose output is in the arena, has no bias to start Y from. */
function twoConvModel(c: number, m: number, h: number, w: number, group: number): Uint8Array {
  const f = (name: string, shape: number[]) => ({ name, type: 'float32' as const, shape });
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1'], outputs: ['h'], attributes: { pads: attr.ints([1, 1, 1, 1]), group: attr.int(group) } },
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'Conv', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attributes: { strides: attr.ints([2, 2]) } },
    ],
    inputs: [f('x', [1, c, h, w]), f('w1', [m, c / group, 3, 3]), f('w2', [m, m, 3, 3]), f('b2', [m])],
    outputs: [{ name: 'y', type: 'float32' }],
  });
}

describe.each([['wasm', undefined], ['TypeScript', false]] as const)('Conv output in the activation arena (%s)', (_, simd) => {
  afterEach(() => {
    delete env.wasm.simd;
  });

  it.each([[3, 5, 7, 9, 1], [5, 9, 13, 11, 1], [17, 33, 10, 15, 1], [7, 7, 9, 5, 7], [6, 12, 11, 13, 6]])('c %i, m %i, %ix%i image, group %i: each of three runs matches onnxruntime', async (c, m, h, w, group) => {
    if (simd === false) env.wasm.simd = false;
    const model = twoConvModel(c, m, h, w, group);
    const session = await InferenceSession.create(model);
    const weights = {
      w1: new Tensor('float32', new Rng(11).floats((m * c * 9) / group), [m, c / group, 3, 3]),
      w2: new Tensor('float32', new Rng(13).floats(m * m * 9), [m, m, 3, 3]),
      b2: new Tensor('float32', new Rng(12).floats(m), [m]),
    };
    for (const seed of [1, 2, 3]) {
      const feeds = { ...weights, x: new Tensor('float32', new Rng(seed).floats(c * h * w).map((v) => v * seed), [1, c, h, w]) };
      const ours = await session.run(feeds);
      const theirs = await runOnnxruntime(model, feeds);
      expect(ours.y.dims).toEqual(theirs.y.dims);
      expectTensorsClose(ours.y, theirs.y, { atol: 1e-4, rtol: 1e-4 }, `run ${seed}`);
    }
  });
});
