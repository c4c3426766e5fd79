/** The int8 GEMM module against the TypeScript integer product: bit-exact on odd shapes, strides and extreme codes. */
import { describe, expect, it } from 'vitest';
import { wasmIntegerProduct } from '../../../src/backends/wasm/int8-gemm.js';
import { typescriptIntegerProduct, type IntegerProduct } from '../../../src/kernels/quant/integer-product.js';
import { Rng } from '../../support/random.js';

/** Centered 8-bit values, from the extremes (±255) with probability `extreme`. */
function centeredValues(count: number, rng: Rng, extreme: number): Int16Array {
  return Int16Array.from({ length: count }, () => {
    if (rng.next() < extreme) return rng.next() < 0.5 ? -255 : 255;
    return rng.int(-255, 255);
  });
}

function product(m: number, n: number, k: number, rng: Rng, extreme = 0.1): { op: IntegerProduct; reference: Int32Array } {
  const lda = k + rng.int(0, 3);
  const ldb = n + rng.int(0, 3);
  const ldc = n + rng.int(0, 3);
  const aOffset = rng.int(0, 5);
  const bOffset = rng.int(0, 5);
  const cOffset = rng.int(0, 5);
  const a = centeredValues(aOffset + m * lda, rng, extreme);
  const b = centeredValues(bOffset + k * ldb, rng, extreme);
  const c = Int32Array.from({ length: cOffset + m * ldc }, () => rng.int(-1000, 1000));
  const op = { m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc };
  const reference = c.slice();
  typescriptIntegerProduct({ ...op, c: reference });
  return { op, reference };
}

describe('int8 GEMM module', () => {
  it('matches the TypeScript product bit for bit on random odd shapes', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 40; trial++) {
      const m = rng.int(1, 37);
      const n = rng.int(1, 45);
      const k = rng.int(1, 600);
      const { op, reference } = product(Math.max(m, 16), n, k, rng);
      const ran = wasmIntegerProduct(op);
      expect(ran, `m=${op.m} n=${n} k=${k} ran on wasm`).toBe(op.m * n * k >= 1 << 14);
      if (ran) expect(op.c, `m=${op.m} n=${n} k=${k}`).toEqual(reference);
    }
  });

  it('wraps int32 sums as the TypeScript product does when every code is at an extreme', () => {
    const rng = new Rng(9);
    const { op, reference } = product(5, 9, 70001, rng, 1);
    expect(wasmIntegerProduct(op)).toBe(true);
    expect(op.c).toEqual(reference);
  });

  it('leaves small products to TypeScript', () => {
    const { op } = product(2, 3, 4, new Rng(1));
    expect(wasmIntegerProduct(op)).toBe(false);
  });
});
