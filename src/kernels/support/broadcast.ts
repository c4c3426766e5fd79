/** Numpy-style (multidirectional) broadcasting, per ../onnx-spec/Broadcasting.md. */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape, sizeOf, stridesOf, type Shape } from '../../tensor/shape.js';

export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    const offset = rank - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      const o = out[offset + i];
      if (d === o || d === 1) continue;
      if (o === 1) out[offset + i] = d;
      else {
        throw new KernelInputError(`shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together (dimension ${offset + i}: ${o} vs ${d})`);
      }
    }
  }
  return out;
}

/**
 * For each position of `outShape`, the flat index into a tensor of `shape` broadcast to it.
 * Returns undefined when no broadcasting is needed (same shape), so callers take a fast path.
 */
export function broadcastIndex(shape: Shape, outShape: Shape): Int32Array | undefined {
  const size = outShape.reduce((a, b) => a * b, 1);
  if (shape.length === outShape.length && shape.every((d, i) => d === outShape[i])) return undefined;
  const rank = outShape.length;
  const inStrides = stridesOf(shape);
  const strides = new Array<number>(rank).fill(0);
  const offset = rank - shape.length;
  for (let i = 0; i < shape.length; i++) strides[offset + i] = shape[i] === 1 ? 0 : inStrides[i];
  const index = new Int32Array(size);
  const counter = new Array<number>(rank).fill(0);
  let flat = 0;
  for (let i = 0; i < size; i++) {
    index[i] = flat;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      flat += strides[d];
      if (counter[d] < outShape[d]) break;
      flat -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return index;
}

/** Whether `shape` broadcasts to `target` without changing it (unidirectional broadcasting). */
export function broadcastsOneWay(shape: Shape, target: Shape): boolean {
  const offset = target.length - shape.length;
  return offset >= 0 && shape.every((d, i) => d === 1 || d === target[offset + i]);
}

/**
 * How a two-input broadcast splits into contiguous runs: the output is `blocks` runs of `block`
 * elements; within a run each input either advances with the output (step 1) or repeats one
 * value (step 0). Size-1 dims are dropped and neighbouring dims that both inputs walk alike are
 * merged, so [N,C,H,W] against [C,1,1] is N*C runs of H*W against one value each.
 */
export interface BroadcastRuns {
  readonly dims: readonly number[];
  readonly size: number;
  readonly block: number;
  readonly aStep: 0 | 1;
  readonly bStep: 0 | 1;
  /** The merged dims outside the run, outermost first, with each input's stride along them (0 where it broadcasts). */
  readonly outer: readonly number[];
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
}

/** A shape's element strides along `dims` (right-aligned), 0 where it has size 1. */
export function alignedStrides(shape: Shape, dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(0);
  const offset = dims.length - shape.length;
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1) strides[offset + i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** Slots of the broadcastRuns cache (a power of two): a model's elementwise nodes meet a few dozen shape pairs. */
const RUNS_CACHE_SLOTS = 256;

interface CachedRuns {
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly runs: BroadcastRuns;
}

const runsCache: (CachedRuns | undefined)[] = new Array<CachedRuns | undefined>(RUNS_CACHE_SLOTS).fill(undefined);

function sameDims(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapePairSlot(a: Shape, b: Shape): number {
  let hash = a.length * 31 + b.length;
  for (let i = 0; i < a.length; i++) hash = Math.imul(hash, 0x9e3779b1) ^ a[i];
  for (let i = 0; i < b.length; i++) hash = Math.imul(hash, 0x85ebca6b) ^ b[i];
  return (hash ^ (hash >>> 15)) & (RUNS_CACHE_SLOTS - 1);
}

/**
 * The runs of broadcasting `aShape` against `bShape`. Every elementwise kernel asks this on every
 * call with the shapes of the last run, so results are kept in a small direct-mapped cache (a
 * slot holds the latest pair that hashed there): a hit costs a hash and two comparisons instead
 * of six arrays. The result is shared and must not be modified, its dims included.
 */
export function broadcastRuns(aShape: Shape, bShape: Shape): BroadcastRuns {
  const slot = shapePairSlot(aShape, bShape);
  const cached = runsCache[slot];
  if (cached !== undefined && sameDims(cached.a, aShape) && sameDims(cached.b, bShape)) return cached.runs;
  const runs = computeBroadcastRuns(aShape, bShape);
  runsCache[slot] = { a: aShape.slice(), b: bShape.slice(), runs };
  return runs;
}

function computeBroadcastRuns(aShape: Shape, bShape: Shape): BroadcastRuns {
  const dims = broadcastShapes(aShape, bShape);
  const aAll = alignedStrides(aShape, dims);
  const bAll = alignedStrides(bShape, dims);
  const merged: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  for (let d = 0; d < dims.length; d++) {
    if (dims[d] === 1) continue;
    const last = merged.length - 1;
    // Merging keeps each input's walk when the outer stride is the inner one times the inner extent.
    if (last >= 0 && aStrides[last] === aAll[d] * dims[d] && bStrides[last] === bAll[d] * dims[d]) {
      merged[last] *= dims[d];
      aStrides[last] = aAll[d];
      bStrides[last] = bAll[d];
    } else {
      merged.push(dims[d]);
      aStrides.push(aAll[d]);
      bStrides.push(bAll[d]);
    }
  }
  const size = sizeOf(dims);
  const block = merged.pop() ?? 1;
  const aStep = (aStrides.pop() ?? 1) === 0 ? 0 : 1;
  const bStep = (bStrides.pop() ?? 1) === 0 ? 0 : 1;
  return { dims, size, block, aStep, bStep, outer: merged, aStrides, bStrides };
}

/** Calls `visit` with the output, A and B offsets of each run, in output order. */
export function forEachRun(runs: BroadcastRuns, visit: (out: number, a: number, b: number) => void): void {
  const { outer, aStrides, bStrides, block, size } = runs;
  // One or no outer dim (most elementwise calls): no counters to keep.
  if (outer.length <= 1) {
    const aStride = outer.length === 0 ? 0 : aStrides[0];
    const bStride = outer.length === 0 ? 0 : bStrides[0];
    for (let o = 0, a = 0, b = 0; o < size; o += block, a += aStride, b += bStride) visit(o, a, b);
    return;
  }
  const counter = new Array<number>(outer.length).fill(0);
  let a = 0;
  let b = 0;
  for (let o = 0; o < size; o += block) {
    visit(o, a, b);
    for (let d = outer.length - 1; d >= 0; d--) {
      a += aStrides[d];
      b += bStrides[d];
      if (++counter[d] < outer[d]) break;
      a -= aStrides[d] * outer[d];
      b -= bStrides[d] * outer[d];
      counter[d] = 0;
    }
  }
}
