/**
 * Concat whose inputs and output are views of one buffer (a run's arena) copies each block by
 * copyWithin on a view over both, or, for 4-byte elements in the WebAssembly heap, all of an
 * input's blocks in one call of the NHWC module: either must give what the copy between
 * separate storages gives, for 4-, 2-, 1- and 8-byte elements, every axis, odd and zero
 * lengths, at any offsets in the buffer, and write nothing outside the output.
 */
import { describe, expect, it } from 'vitest';
import type { KernelContext } from '../../../src/kernels/kernel.js';
import { concatTensors } from '../../../src/kernels/tensor/concat.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType, TensorStorage } from '../../../src/tensor/element-type.js';
import { sizeOf } from '../../../src/tensor/shape.js';
import { Rng, randomDense } from '../../support/random.js';
import { wasmGemmHeap } from '../../../src/backends/wasm/wasm-gemm.js';

const CANARY = 0xa5;
const BYTES: Partial<Record<DataType, number>> = { float32: 4, int32: 4, float16: 2, uint8: 1, int64: 8, float64: 8 };

/** Bytes of a buffer to place views in: a new ArrayBuffer, or a region of the WebAssembly heap. */
interface Space {
  readonly buffer: ArrayBufferLike;
  readonly start: number;
  release(): void;
}

function ownBuffer(bytes: number): Space {
  return { buffer: new ArrayBuffer(bytes), start: 0, release: () => undefined };
}

function heapRegion(bytes: number): Space {
  const heap = wasmGemmHeap();
  const region = heap?.reserveRegion(bytes);
  if (!heap || !region) throw new Error('no heap region');
  return { buffer: heap.buffer, start: region.byteOffset, release: () => heap.releaseRegion(region) };
}

/** Views of `type` at increasing, element-aligned offsets of one buffer, canary bytes between them. */
function placeAll(type: DataType, sizes: readonly number[], rng: Rng, space: (bytes: number) => Space): { buffer: ArrayBufferLike; views: TensorStorage[]; release: () => void } {
  const width = BYTES[type] as number;
  const gaps = sizes.map(() => rng.int(1, 3) * width);
  const total = sizes.reduce((sum, n, i) => sum + n * width + 2 * gaps[i], 0);
  const { buffer, start: base, release } = space(total);
  new Uint8Array(buffer, base, total).fill(CANARY);
  let at = base;
  const views = sizes.map((n, i) => {
    const start = at + gaps[i];
    at = start + n * width + gaps[i];
    const empty = DenseTensor.zeros(type, [0]).data as unknown as { constructor: new (b: ArrayBuffer, o: number, l: number) => TensorStorage };
    return new empty.constructor(buffer as ArrayBuffer, start, n);
  });
  return { buffer, views, release };
}

function bytesOf(data: TensorStorage): Uint8Array {
  const view = data as unknown as ArrayBufferView;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

const CASES: [DataType, string, (bytes: number) => Space][] = [
  ...(Object.keys(BYTES) as DataType[]).map((type): [DataType, string, (bytes: number) => Space] => [type, 'an ArrayBuffer', ownBuffer]),
  ['float32', 'the WebAssembly heap', heapRegion],
  ['int32', 'the WebAssembly heap', heapRegion],
];

describe('Concat within one buffer (copyWithin, the NHWC module in the heap)', () => {
  it.each(CASES)('%s in %s: random shapes and axes match separate storages, nothing written outside the output', (type, _where, space) => {
    const rng = new Rng(type.length * 13 + (space === heapRegion ? 1 : 0));
    for (let i = 0; i < 60; i++) {
      const rank = rng.int(1, 4);
      const base = rng.shape(rank, 6);
      const axis = rng.int(0, rank - 1);
      const lengths = Array.from({ length: rng.int(1, 4) }, () => rng.int(0, 5));
      const inputs = lengths.map((len) => randomDense(type, base.map((d, j) => (j === axis ? len : d)), rng));
      const expected = concatTensors(inputs, axis);
      const outSize = sizeOf(expected.dims);
      const { buffer, views, release } = placeAll(type, [...inputs.map((t) => t.size), outSize], rng, space);
      const placed = inputs.map((t, j) => {
        bytesOf(views[j]).set(bytesOf(t.data));
        return new DenseTensor(type, t.dims, views[j]);
      });
      const out = views[views.length - 1];
      const context = { allocate: (t: DataType, dims: readonly number[]) => new DenseTensor(t, dims, out) } as unknown as KernelContext;
      const got = concatTensors(placed, axis, context);
      const label = `${type} ${JSON.stringify(inputs.map((t) => t.dims))} axis ${axis}`;
      expect(got.dims, label).toEqual(expected.dims);
      expect([...bytesOf(got.data)], label).toEqual([...bytesOf(expected.data)]);
      const outBytes = bytesOf(out);
      const before = new Uint8Array(buffer, outBytes.byteOffset - BYTES[type]!, BYTES[type]!);
      const after = new Uint8Array(buffer, outBytes.byteOffset + outBytes.byteLength, BYTES[type]!);
      expect([...before, ...after].every((b) => b === CANARY), `${label}: wrote outside the output`).toBe(true);
      release();
    }
  });
});
