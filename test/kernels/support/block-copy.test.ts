/**
 * Word views (block-copy.ts) move elements bit for bit whatever their width, and the kernels
 * that copy through them move whole elements: each is run on a tensor of every storage width
 * and on a float64 tensor of element numbers, whose output says which input element belongs
 * where; the typed output must hold exactly those elements' storage slots.
 */
import { describe, expect, it } from 'vitest';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { allocateStorage, slotsPerElement, type DataType, type TensorStorage } from '../../../src/tensor/element-type.js';
import { sizeOf, stridesOf } from '../../../src/tensor/shape.js';
import { copyWords, wordsOf } from '../../../src/kernels/support/block-copy.js';
import { gatherStrided } from '../../../src/kernels/tensor/strided-copy.js';
import { concatTensors } from '../../../src/kernels/tensor/concat.js';
import { chunkAlong } from '../../../src/kernels/tensor/axis-chunk.js';
import { padTensor } from '../../../src/kernels/indexing/pad-core.js';
import { scatterSlices } from '../../../src/kernels/indexing/scatter-slices.js';
import { takeElements } from '../../../src/kernels/indexing/element-copy.js';
import { gatherIndexMaps } from '../../../src/kernels/resize/index-map-gather.js';
import { wasmGemmHeap } from '../../../src/backends/wasm/wasm-gemm.js';
import { expectGuardsIntact, placeInHeap } from '../../support/heap-guards.js';
import { Rng } from '../../support/random.js';

/** One type per storage kind: 1, 2, 4 and 8-byte words, two-slot elements of 4 and 8 bytes, strings. */
const TYPES: DataType[] = ['uint8', 'bool', 'float16', 'int16', 'float32', 'int32', 'int64', 'float64', 'complex64', 'complex128', 'string'];

/** A tensor of `type` with random bit patterns (NaN payloads and extreme int64s included). */
function randomBits(type: DataType, dims: readonly number[], rng: Rng): DenseTensor {
  const storage = allocateStorage(type, sizeOf(dims));
  if (Array.isArray(storage)) {
    for (let i = 0; i < storage.length; i++) storage[i] = `s${rng.int(0, 1e6)}`;
  } else {
    const bytes = new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = type === 'bool' ? rng.int(0, 1) : rng.int(0, 255);
  }
  return new DenseTensor(type, dims, storage);
}

/** float64 element numbers first, first + 1, ... in `dims`. */
function numbered(dims: readonly number[], first = 0): DenseTensor {
  return new DenseTensor('float64', dims, Float64Array.from({ length: sizeOf(dims) }, (_, i) => first + i));
}

/** Storage slots of `t`, as comparable values (8-byte slots as bit strings, so NaN payloads count). */
function slotValues(t: DenseTensor): unknown[] {
  if (Array.isArray(t.data)) return [...t.data];
  const words = wordsOf(t.data);
  const out: unknown[] = [];
  for (let i = 0; i < t.data.length; i++) {
    out.push(Array.from({ length: words.width }, (_, k) => words.data[i * words.width + k]).join(':'));
  }
  return out;
}

/**
 * `op` moved elements of `inputs` (of one type) where `op` on numbered float64 inputs put their
 * numbers; `fill` says what an output number of -1 holds.
 */
function expectMovesElements(
  type: DataType, inputs: DenseTensor[], op: (tensors: DenseTensor[]) => DenseTensor, fillSlots?: unknown[],
): void {
  let first = 0;
  const numbers = inputs.map((t) => {
    const n = numbered(t.dims, first);
    first += t.size;
    return n;
  });
  const where = op(numbers);
  const result = op(inputs);
  expect(result.type).toBe(type);
  expect(result.dims).toEqual(where.dims);
  const slots = slotsPerElement(type);
  const sources = inputs.flatMap((t) => {
    const values = slotValues(t);
    return Array.from({ length: t.size }, (_, i) => values.slice(i * slots, (i + 1) * slots));
  });
  const expected = Array.from(where.data as Float64Array, (n) => (n < 0 ? fillSlots : sources[n])).flat();
  expect(slotValues(result), `${type} output ${where.dims.join('x')}`).toEqual(expected);
}

describe('wordsOf and copyWords', () => {
  it.each(TYPES)('copy %s storage bit for bit, short runs and long', (type) => {
    const rng = new Rng(1);
    const source = randomBits(type, [41], rng);
    for (const length of [1, 3, 15, 16, 17, 40]) {
      const target = allocateStorage(type, 41);
      const from = wordsOf(source.data);
      copyWords(from.data, 1 * from.width * slotsPerElement(type), wordsOf(target).data, 0, length * from.width * slotsPerElement(type));
      expect(slotValues(new DenseTensor(type, [41], target)).slice(0, length * slotsPerElement(type)))
        .toEqual(slotValues(source).slice(slotsPerElement(type), (length + 1) * slotsPerElement(type)));
    }
  });

  it('views the same memory, at an offset too', () => {
    const buffer = new ArrayBuffer(64);
    const view = new Float64Array(buffer, 16, 3);
    const { data, width } = wordsOf(view);
    expect(width).toBe(2);
    expect(data.length).toBe(6);
    (data as Int32Array)[0] = 7;
    expect(new Int32Array(buffer, 16, 1)[0]).toBe(7);
  });
});

describe.each(TYPES)('%s elements move whole', (type) => {
  const rng = new Rng(TYPES.indexOf(type) + 10);

  it('through strided copies: transposes, slices, broadcasts', () => {
    for (let trial = 0; trial < 6; trial++) {
      const dims = rng.shape(rng.int(2, 4), 7);
      const x = randomBits(type, dims, rng);
      const perm = dims.map((_, i) => i).sort(() => rng.next() - 0.5);
      const inStrides = stridesOf(dims);
      expectMovesElements(type, [x], ([t]) => gatherStrided(t, { dims: perm.map((p) => dims[p]), strides: perm.map((p) => inStrides[p]), offset: 0 }));
      const axis = rng.int(0, dims.length - 1);
      const start = rng.int(0, dims[axis] - 1);
      expectMovesElements(type, [x], ([t]) => chunkAlong(t, axis, start, dims[axis] - start, true));
      const broadcast = [3, ...dims];
      expectMovesElements(type, [x], ([t]) => gatherStrided(t, { dims: broadcast, strides: [0, ...inStrides], offset: 0 }));
    }
  });

  it('through concat, along every axis', () => {
    const dims = rng.shape(3, 5);
    for (let axis = 0; axis < 3; axis++) {
      const other = dims.map((d, i) => (i === axis ? rng.int(1, 4) : d));
      expectMovesElements(type, [randomBits(type, dims, rng), randomBits(type, other, rng)], (ts) => concatTensors(ts, axis));
    }
  });

  it('through element gathers and scatters of single elements and of slices', () => {
    const x = randomBits(type, [9, 5], rng);
    const offsets = Int32Array.from({ length: 23 }, () => rng.int(0, 44));
    expectMovesElements(type, [x], ([t]) => new DenseTensor(t.type, [23], takeElements(t.type, t.data, offsets)));
    // Distinct targets, so the order of updates does not matter.
    const elementTargets = Int32Array.from([3, 17, 0, 44, 21]);
    expectMovesElements(type, [x, randomBits(type, [5], rng)], ([data, updates]) => scatterSlices(data, updates, elementTargets, 1, 'none'));
    const rowTargets = Int32Array.from([4 * 5, 0, 8 * 5]);
    expectMovesElements(type, [x, randomBits(type, [3, 5], rng)], ([data, updates]) => scatterSlices(data, updates, rowTargets, 5, 'none'));
  });

  it('through edge and reflect padding', () => {
    const x = randomBits(type, [3, 4, 5], rng);
    for (const mode of ['edge', 'reflect'] as const) {
      expectMovesElements(type, [x], ([t]) => padTensor(t, [1, 0, 2], [0, 2, 3], mode, allocateStorage(t.type, 1)));
    }
  });

  it('through index maps that repeat rows, and fill', () => {
    const x = randomBits(type, [2, 3, 4], rng);
    const maps = [Int32Array.from([0, 1]), Int32Array.from([0, 0, 1, 1, 1, 2, -1, -1]), Int32Array.from([0, 0, 3, 1, -1, 2, 2])];
    const fill = gatherIndexMaps(x, [Int32Array.from([-1])], 0);
    expectMovesElements(type, [x], ([t]) => (t.type === 'float64' && t !== x ? gatherIndexMaps(t, maps, -1) : gatherIndexMaps(t, maps, 0)), slotValues(fill));
  });
});

describe('copyWords between views of the WebAssembly heap', () => {
  const heap = wasmGemmHeap();

  it.skipIf(!heap)('copies runs of every length (odd ones, past the module copy limit of a heap that is not shared) bit for bit, and nothing around them', () => {
    const rng = new Rng(17);
    for (const length of [16, 17, 63, 255, 256, 331, 1029, 4099]) {
      const floats = rng.floats(length + 8);
      const [source, target] = placeInHeap(heap!, [floats, new Float32Array(length + 8)], (i) => i + (length % 3));
      const from = rng.int(0, 8);
      const to = rng.int(0, 8);
      copyWords(new Int32Array(source.buffer, source.byteOffset, source.length), from, new Int32Array(target.buffer, target.byteOffset, target.length), to, length);
      const expected = new Float32Array(length + 8);
      expected.set(floats.subarray(from, from + length), to);
      expect(new Uint32Array(target.buffer, target.byteOffset, target.length), `run of ${length} words`).toEqual(new Uint32Array(expected.buffer));
      expectGuardsIntact(target, `target of a run of ${length} words`);
      expectGuardsIntact(source, `source of a run of ${length} words`);
    }
  });
});
