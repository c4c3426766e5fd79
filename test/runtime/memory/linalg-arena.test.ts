/**
 * MatMul and Gemm writing into arena storage, which (unlike a fresh array) holds the previous
 * run's values: over several runs with different inputs, a session with the arena gives exactly
 * what one without gives, for chained, batched, broadcast, transposed, empty-K and alpha-0
 * products whose results are intermediates (so they live in the arena).
 */
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { Rng } from '../../support/random.js';
import { attr, buildModel } from '../../support/model-builder.js';

const rng = new Rng(31);
const weight = (dims: number[]) => new DenseTensor('float32', dims, Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)));

const model = buildModel({
  nodes: [
    { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['t1'] },
    { op: 'MatMul', inputs: ['t1', 'W2'], outputs: ['chain'] },
    { op: 'MatMul', inputs: ['e', 'f'], outputs: ['empty_k'] },
    { op: 'MatMul', inputs: ['empty_k', 'W4'], outputs: ['after_empty'] },
    { op: 'Gemm', inputs: ['x', 'Wt', 'c'], outputs: ['g'], attributes: { transB: attr.int(1), alpha: attr.float(0.7), beta: attr.float(0.5) } },
    { op: 'MatMul', inputs: ['g', 'W3'], outputs: ['after_gemm'] },
    { op: 'Gemm', inputs: ['xt', 'W1', 'c9'], outputs: ['g0'], attributes: { transA: attr.int(1), alpha: attr.float(0), beta: attr.float(2) } },
    { op: 'MatMul', inputs: ['g0', 'W2'], outputs: ['after_alpha0'] },
    { op: 'MatMul', inputs: ['xb', 'Wb'], outputs: ['batched'] },
    { op: 'MatMul', inputs: ['batched', 'W4'], outputs: ['after_batched'] },
    { op: 'MatMul', inputs: ['xb', 'Wbb'], outputs: ['broadcast'] },
    { op: 'MatMul', inputs: ['broadcast', 'W4'], outputs: ['after_broadcast'] },
    { op: 'MatMul', inputs: ['v', 'W1'], outputs: ['vec'] },
    { op: 'MatMul', inputs: ['vec', 'W2'], outputs: ['after_vec'] },
  ],
  inputs: [
    { name: 'x', type: 'float32', shape: [5, 7] },
    { name: 'xt', type: 'float32', shape: [7, 5] },
    { name: 'e', type: 'float32', shape: [3, 0] },
    { name: 'f', type: 'float32', shape: [0, 4] },
    { name: 'xb', type: 'float32', shape: [2, 3, 5, 7] },
    { name: 'v', type: 'float32', shape: [7] },
  ],
  outputs: ['chain', 'after_empty', 'after_gemm', 'after_alpha0', 'after_batched', 'after_broadcast', 'after_vec'].map((name) => ({ name, type: 'float32' as const })),
  initializers: {
    W1: weight([7, 9]), W2: weight([9, 4]), W3: weight([6, 3]), W4: weight([4, 2]), Wt: weight([6, 7]), c: weight([6]), c9: weight([1, 9]),
    Wb: weight([7, 4]), Wbb: weight([3, 7, 4]),
  },
});

function feeds(seed: number): Record<string, Tensor> {
  const r = new Rng(seed);
  const t = (dims: number[]) => new Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => r.uniform(-2, 2)), dims);
  return { x: t([5, 7]), xt: t([7, 5]), e: t([3, 0]), f: t([0, 4]), xb: t([2, 3, 5, 7]), v: t([7]) };
}

describe('MatMul and Gemm results in arena storage', () => {
  it('match a session without the arena over runs that reuse the storage', async () => {
    const options = { graphOptimizationLevel: 'disabled' as const };
    const withArena = await InferenceSession.create(model, options);
    const without = await InferenceSession.create(model, { ...options, enableCpuMemArena: false });
    for (let run = 0; run < 4; run++) {
      const input = feeds(run + 1);
      const [got, expected] = [await withArena.run(input), await without.run(input)];
      for (const name of Object.keys(expected)) {
        expect(Array.from((got[name] as Tensor).data as Float32Array), `run ${run} output ${name}`).toEqual(Array.from((expected[name] as Tensor).data as Float32Array));
      }
    }
  });
});
