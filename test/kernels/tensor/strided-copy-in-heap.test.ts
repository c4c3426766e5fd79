/**
 * Strided copies whose source and output live in the GEMM heap (a run's arena) go through the
 * WebAssembly transpose and gather (wasm/assembly/nhwc-transpose.ts, nhwc-gather.ts): they must
 * give, bit for bit, what the TypeScript copy gives, on randomized odd shapes (partial 4x4
 * blocks and tiles, a batch axis, empty tensors; slices with positive and negative steps), for
 * float32 (NaN payloads and -0 kept) and int32, and write nothing outside the output.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { wasmGemmHeap } from '../../../src/backends/wasm/wasm-gemm.js';
import type { HeapRegion, WasmHeap } from '../../../src/backends/wasm/wasm-heap.js';
import type { KernelContext } from '../../../src/kernels/kernel.js';
import { gatherStrided } from '../../../src/kernels/tensor/strided-copy.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { StridedView } from '../../../src/kernels/tensor/strided-copy.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { sizeOf, stridesOf } from '../../../src/tensor/shape.js';
import { Rng } from '../../support/random.js';

const CANARY = 0x5a5a5a5a;
const GUARD = 5;

afterEach(() => {
  delete env.wasm.simd;
});

/** Word views in one heap region, each GUARD canary words before and after it. */
class HeapWords {
  private readonly region: HeapRegion;
  private readonly all: Int32Array;
  private at = 0;

  constructor(private readonly heap: WasmHeap, words: number) {
    const region = heap.reserveRegion((words + 4 * GUARD) * 4);
    if (!region) throw new Error('no heap region');
    this.region = region;
    this.all = new Int32Array(heap.buffer, region.byteOffset, region.byteLength / 4).fill(CANARY);
  }

  take(length: number): Int32Array {
    const start = this.at + GUARD;
    this.at = start + length + GUARD;
    return this.all.subarray(start, start + length);
  }

  expectGuardsIntact(view: Int32Array, label: string): void {
    const start = (view.byteOffset - this.region.byteOffset) / 4;
    const before = [...this.all.subarray(start - GUARD, start)];
    const after = [...this.all.subarray(start + view.length, start + view.length + GUARD)];
    expect([...before, ...after].every((w) => w === CANARY), `${label}: wrote outside the output`).toBe(true);
  }

  release(): void {
    this.heap.releaseRegion(this.region);
  }
}

function storageOf(type: DataType, words: Int32Array): Float32Array | Int32Array {
  return type === 'float32' ? new Float32Array(words.buffer, words.byteOffset, words.length) : words;
}

function permutedView(dims: readonly number[], perm: readonly number[]) {
  const strides = stridesOf(dims);
  return { dims: perm.map((p) => dims[p]), strides: perm.map((p) => strides[p]), offset: 0 };
}

function randomWords(length: number, rng: Rng): Int32Array {
  // Any bits: float32 NaN payloads, -0 and subnormals must come through unchanged.
  return Int32Array.from({ length }, () => (rng.int(0, 0xffff) << 16) | rng.int(0, 0xffff));
}

const PERMS: readonly (readonly number[])[] = [[0, 2, 3, 1], [0, 3, 1, 2], [0, 2, 1], [1, 0]];

/** Runs the copy of `view` over `source` into heap storage and in TypeScript; expects the same words and intact guards. */
function expectSameCopy(heap: WasmHeap, type: DataType, dims: readonly number[], view: StridedView, rng: Rng, label: string): void {
  const size = sizeOf(dims);
  const outSize = sizeOf(view.dims);
  const words = new HeapWords(heap, size + outSize);
  try {
    const source = words.take(size);
    source.set(randomWords(size, rng));
    const out = words.take(outSize);
    const context = { allocate: (t: DataType, d: readonly number[]) => new DenseTensor(t, d, storageOf(t, out)) } as unknown as KernelContext;
    const got = gatherStrided(new DenseTensor(type, dims, storageOf(type, source)), view, context);
    env.wasm.simd = false;
    const expected = gatherStrided(new DenseTensor(type, dims, storageOf(type, source.slice())), view);
    delete env.wasm.simd;
    expect(got.dims, label).toEqual(expected.dims);
    const e = new Int32Array((expected.data as Int32Array | Float32Array).buffer);
    const mismatch = out.findIndex((w, j) => w !== e[j]);
    expect(mismatch, `${label}: first differing word`).toBe(-1);
    words.expectGuardsIntact(out, label);
  } finally {
    words.release();
  }
}

/** A Slice-like view of `dims`: per axis a random start, step (negative too) and count. */
function randomSlice(dims: readonly number[], rng: Rng): StridedView {
  const strides = stridesOf(dims);
  let offset = 0;
  const out: number[] = [];
  const steps: number[] = [];
  dims.forEach((d, axis) => {
    const step = [-2, -1, 1, 2, 3][rng.int(0, 4)];
    const start = rng.int(0, d - 1);
    const room = step > 0 ? Math.floor((d - 1 - start) / step) + 1 : Math.floor(start / -step) + 1;
    out.push(rng.int(axis === 0 ? 0 : 1, room));
    steps.push(step * strides[axis]);
    offset += start * strides[axis];
  });
  return { dims: out, strides: steps, offset };
}

describe('Strided copies of heap operands (WebAssembly transpose and gather)', () => {
  it.each(['float32', 'int32'] as DataType[])('%s: random slices with steps match the TypeScript copy bit for bit', (type) => {
    const heap = wasmGemmHeap();
    expect(heap).toBeDefined();
    if (!heap) return;
    const rng = new Rng(type === 'float32' ? 41 : 43);
    for (let i = 0; i < 120; i++) {
      const dims = rng.shape(rng.int(1, 4), 13);
      const view = randomSlice(dims, rng);
      expectSameCopy(heap, type, dims, view, rng, `${type} [${dims}] slice [${view.dims}] strides [${view.strides}] offset ${view.offset}`);
    }
  });

  it.each(['float32', 'int32'] as DataType[])('%s: randomized NCHW <-> NHWC and matrix transposes match the TypeScript copy bit for bit', (type) => {
    const heap = wasmGemmHeap();
    expect(heap).toBeDefined();
    if (!heap) return;
    const rng = new Rng(type === 'float32' ? 17 : 29);
    for (let i = 0; i < 80; i++) {
      const perm = PERMS[i % PERMS.length];
      const dims = perm.map((_, axis) => (axis === 0 && perm.length === 4 ? rng.int(0, 3) : rng.int(1, i % 5 === 0 ? 70 : 21)));
      expectSameCopy(heap, type, dims, permutedView(dims, perm), rng, `${type} [${dims}] perm [${perm}]`);
    }
  });
});
