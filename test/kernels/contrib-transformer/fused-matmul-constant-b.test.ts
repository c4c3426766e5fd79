/**
 * FusedMatMul with a constant B (a weight, as FuseMatMulTranspose makes them): the GEMM keeps B
 * packed between runs and writes into the run's arena, so later runs must give what the first
 * gave, and both what a plain double-precision product gives.
 */
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { wasmGemmTraffic } from '../../../src/backends/wasm/wasm-gemm.js';
import { expectTensorsClose, type Tolerance } from '../../support/differential.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng, randomDense } from '../../support/random.js';
import { sizeOf } from '../../../src/tensor/shape.js';

/** float32 sums of up to 81 products of values in [-1, 1] against doubles: a few units of 6e-8 per term. */
const TOLERANCE: Tolerance = { rtol: 1e-4, atol: 5e-5 };

/** alpha * A op(B) in doubles, numpy broadcasting over the batch axes (A at least 2-D, B 2-D or with batches). */
function reference(a: Float32Array, aDims: number[], b: Float32Array, bDims: number[], transB: boolean, alpha: number): { data: Float64Array; dims: number[] } {
  const [m, k] = aDims.slice(-2);
  const n = transB ? bDims[bDims.length - 2] : bDims[bDims.length - 1];
  const aBatch = aDims.slice(0, -2);
  const bBatch = bDims.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const pad = (d: number[]) => [...Array<number>(rank - d.length).fill(1), ...d];
  const [pa, pb] = [pad(aBatch), pad(bBatch)];
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const out = new Float64Array(sizeOf(batch) * m * n);
  for (let t = 0; t < sizeOf(batch); t++) {
    let [ai, bi, rest] = [0, 0, t];
    for (let i = 0; i < rank; i++) {
      const stride = sizeOf(batch.slice(i + 1));
      const at = Math.floor(rest / stride);
      rest %= stride;
      ai = ai * pa[i] + (pa[i] === 1 ? 0 : at);
      bi = bi * pb[i] + (pb[i] === 1 ? 0 : at);
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[ai * m * k + i * k + p] * b[bi * k * n + (transB ? j * k + p : p * n + j)];
        out[(t * m + i) * n + j] = alpha * sum;
      }
    }
  }
  return { data: out, dims: [...batch, m, n] };
}

describe('FusedMatMul with a constant B', () => {
  const rng = new Rng(901);
  const odd = () => 2 * rng.int(3, 40) + 1;
  const cases = (): { a: number[]; b: number[]; transB: boolean }[] => {
    const [m, k, n] = [odd(), odd(), odd()];
    return [
      { a: [m, k], b: [n, k], transB: true },
      { a: [2, m, k], b: [n, k], transB: true },
      { a: [1, m, k], b: [k, n], transB: false },
      { a: [2, 1, m, k], b: [3, n, k], transB: true },
      { a: [1, 1, k], b: [n, k], transB: true },
      { a: [2, 0, k], b: [n, k], transB: true },
    ];
  };

  it.each([1, 0.375])('matches a double-precision product on every run (alpha %s)', async (alpha) => {
    for (const c of cases()) {
      const w = randomDense('float32', c.b, rng, -1, 1);
      const a = randomDense('float32', c.a, rng, -1, 1);
      const bytes = buildModel({
        nodes: [{ op: 'FusedMatMul', domain: 'com.microsoft', inputs: ['a', 'w'], outputs: ['y'], attributes: { transB: attr.int(+c.transB), alpha: attr.float(alpha) } }],
        inputs: [{ name: 'a', type: 'float32', shape: c.a }],
        outputs: [{ name: 'y', type: 'float32' }],
        initializers: { w },
        opsets: { '': 17, 'com.microsoft': 1 },
      });
      const expected = reference(a.data as Float32Array, c.a, w.data as Float32Array, c.b, c.transB, alpha);
      const session = await InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
      const residentBefore = wasmGemmTraffic()?.residentB ?? 0;
      for (let run = 0; run < 3; run++) {
        const { y } = await session.run({ a: new Tensor('float32', (a.data as Float32Array).slice(), c.a) });
        expect(y.dims, `A ${c.a}, B ${c.b}`).toEqual(expected.dims);
        expectTensorsClose(y, { type: 'float32', dims: expected.dims, data: expected.data }, TOLERANCE, `A ${c.a}, B ${c.b}, transB ${c.transB}, run ${run}`);
      }
      // Products big enough for the WebAssembly GEMM take B from panels kept between runs.
      if (wasmGemmTraffic() && sizeOf(c.a) > 0 && c.a[c.a.length - 2] > 1) expect(wasmGemmTraffic()!.residentB, `A ${c.a}, B ${c.b}`).toBeGreaterThan(residentBefore);
      await session.release();
    }
  });
});
