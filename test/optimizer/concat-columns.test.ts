/** Packed Q/K/V initializers of the attention fusions: projection columns side by side, copied only where they must be. */
import { describe, expect, it } from 'vitest';
import { concatColumns, type Projection } from '../../src/optimizer/passes/fuse-attention-heads.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { Rng, randomDense } from '../support/random.js';

function part(weight: DenseTensor, bias: DenseTensor, start: number, width: number): Projection {
  return { x: 'x', weight, bias, columns: { start, width }, nodes: [] };
}

/** The reference: element by element, columns of each part in turn. */
function referenceConcat(parts: readonly Projection[], of: 'weight' | 'bias'): number[][] {
  const rows = parts[0][of].size / parts[0][of].dims[parts[0][of].rank - 1];
  return Array.from({ length: rows }, (_, r) =>
    parts.flatMap((p) => {
      const t = p[of];
      const stride = t.dims[t.rank - 1];
      return Array.from({ length: p.columns.width }, (_, c) => (t.data as Float32Array)[r * stride + p.columns.start + c]);
    }));
}

function rowsOf(t: DenseTensor): number[][] {
  const width = t.dims[t.rank - 1];
  return Array.from({ length: t.size / width }, (_, r) => Array.from((t.data as Float32Array).subarray(r * width, (r + 1) * width)));
}

describe('concatColumns', () => {
  it('gives a packed projection back uncopied when its parts come in their own order', () => {
    const rng = new Rng(3);
    for (const [din, hidden] of [[5, 3], [7, 1], [16, 9]]) {
      const weight = randomDense('float32', [din, 3 * hidden], rng);
      const bias = randomDense('float32', [3 * hidden], rng);
      const parts = [0, 1, 2].map((i) => part(weight, bias, i * hidden, hidden));
      expect(concatColumns(parts, 'weight')).toBe(weight);
      expect(concatColumns(parts, 'bias')).toBe(bias);
    }
  });

  it('copies columns of separate, reordered, partial or repeated parts (odd sizes)', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const din = rng.int(1, 9);
      const hidden = rng.int(1, 7);
      const packed = randomDense('float32', [din, 3 * hidden], rng);
      const packedBias = randomDense('float32', [3 * hidden], rng);
      const own = randomDense('float32', [din, hidden], rng);
      const ownBias = randomDense('float32', [hidden], rng);
      const cases: Projection[][] = [
        [part(own, ownBias, 0, hidden), part(packed, packedBias, hidden, hidden), part(own, ownBias, 0, hidden)],
        [2, 0, 1].map((i) => part(packed, packedBias, i * hidden, hidden)),
        [0, 1].map((i) => part(packed, packedBias, i * hidden, hidden)),
        [0, 0, 1].map((i) => part(packed, packedBias, i * hidden, hidden)),
      ];
      for (const parts of cases) {
        for (const of of ['weight', 'bias'] as const) {
          const out = concatColumns(parts, of);
          expect(out.dims, `trial ${trial} ${of}`).toEqual([...parts[0][of].dims.slice(0, -1), parts.length * hidden]);
          expect(rowsOf(out), `trial ${trial} ${of}`).toEqual(referenceConcat(parts, of));
          expect(out.data).not.toBe(parts[0][of].data);
        }
      }
    }
  });

  it('handles empty rows', () => {
    const weight = new DenseTensor('float32', [0, 6], new Float32Array(0));
    const other = new DenseTensor('float32', [0, 2], new Float32Array(0));
    const bias = new DenseTensor('float32', [6], new Float32Array(6));
    const out = concatColumns([part(weight, bias, 4, 2), part(other, bias, 0, 2)], 'weight');
    expect(out.dims).toEqual([0, 4]);
  });
});
