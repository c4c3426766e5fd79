/**
 * The loop every Reduce* op shares. The input's dims split, from the innermost outwards, into the
 * trailing run of kept dims (`inner`, contiguous), the run of reduced dims just before it (`run`
 * blocks of `inner`, also contiguous) and the remaining dims, kept ones enumerated as output rows
 * and reduced ones as offsets. Every read streams through memory in order, and reducing a tensor
 * to a scalar needs no offset table at all.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, isBigIntType, type DataType } from '../../tensor/element-type.js';
import { stridesOf, type Shape } from '../../tensor/shape.js';
import { computesAsFloat, pickFn, type ElementFns } from '../support/elementwise.js';
import { computeBuffer, computeValues, isBigIntArray, tensorFromCompute } from '../support/numeric.js';
import { checkedDims } from '../support/shape-input.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- accumulators are number or bigint per element kind. */
/** Folds element `x` into `acc`; `shift` is the output's pre-pass value (see Reduction.prepass). */
export type Step = (acc: any, x: any, shift: number) => any;
/** Turns an accumulator into the output value; `count` is how many elements were folded in. */
export type Finish = (acc: any, count: number, shift: number) => any;

export interface Reduction {
  /** The accumulator's start: the reduction's identity, which is also an empty set's result. */
  readonly identity: (type: DataType) => number | bigint;
  readonly step: ElementFns<Step>;
  readonly finish?: ElementFns<Finish>;
  /**
   * A reduction run first, on float types only, whose per-output results reach `step` and
   * `finish` as `shift` (LogSumExp subtracts the max, L2 divides by the largest magnitude).
   * Integer types, which must stay exact, get `neutral` instead.
   */
  readonly prepass?: { readonly reduction: Reduction; readonly neutral: number };
}

interface Geometry {
  /** Input offset where each output row starts. */
  readonly outerOffsets: Int32Array;
  /** Offset of each position of the outer reduced dims from its row's start. */
  readonly reducedOffsets: Int32Array;
  /** Contiguous blocks of `inner` elements reduced after each of those offsets. */
  readonly run: number;
  readonly inner: number;
}

/** Row-major enumeration of the positions of `dims`, as offsets under `strides`. */
function offsetTable(dims: readonly number[], strides: readonly number[]): Int32Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const table = new Int32Array(size);
  const counter = new Array<number>(dims.length).fill(0);
  let offset = 0;
  for (let i = 0; i < size; i++) {
    table[i] = offset;
    for (let d = dims.length - 1; d >= 0; d--) {
      counter[d]++;
      offset += strides[d];
      if (counter[d] < dims[d]) break;
      offset -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return table;
}

function geometryOf(dims: Shape, reduced: readonly boolean[]): Geometry {
  const strides = stridesOf(dims);
  let split = dims.length;
  let inner = 1;
  while (split > 0 && !reduced[split - 1]) inner *= dims[--split];
  let run = 1;
  while (split > 0 && reduced[split - 1]) run *= dims[--split];
  const outer = { dims: [] as number[], strides: [] as number[] };
  const across = { dims: [] as number[], strides: [] as number[] };
  for (let d = 0; d < split; d++) {
    const group = reduced[d] ? across : outer;
    group.dims.push(dims[d]);
    group.strides.push(strides[d]);
  }
  return {
    outerOffsets: offsetTable(outer.dims, outer.strides),
    reducedOffsets: offsetTable(across.dims, across.strides),
    run,
    inner,
  };
}

interface Indexed<T> {
  [index: number]: T;
}

function accumulate<T>(values: Indexed<T>, acc: Indexed<T>, g: Geometry, step: Step, shift: Float64Array): void {
  const { outerOffsets, reducedOffsets, run, inner } = g;
  const block = run * inner;
  for (let o = 0; o < outerOffsets.length; o++) {
    const row = o * inner;
    const start = outerOffsets[o];
    if (inner === 1) {
      // One accumulator per row: keep it in a local across the whole sweep.
      let a = acc[row];
      const s = shift[row];
      for (let r = 0; r < reducedOffsets.length; r++) {
        const base = start + reducedOffsets[r];
        for (let j = 0; j < block; j++) a = step(a, values[base + j], s);
      }
      acc[row] = a;
      continue;
    }
    for (let r = 0; r < reducedOffsets.length; r++) {
      const base = start + reducedOffsets[r];
      for (let j = 0; j < block; j += inner) {
        for (let i = 0; i < inner; i++) acc[row + i] = step(acc[row + i], values[base + j + i], shift[row + i]);
      }
    }
  }
}

/** Runs a number-valued reduction (and its finish) to one float64 value per output. */
function reduceToFloat64(values: Indexed<number>, g: Geometry, size: number, type: DataType, reduction: Reduction, shift: Float64Array): Float64Array {
  const acc = new Float64Array(size).fill(Number(reduction.identity(type)));
  accumulate(values, acc, g, pickFn(reduction.step, type), shift);
  if (reduction.finish) {
    const finish = pickFn(reduction.finish, type);
    const count = g.reducedOffsets.length * g.run;
    for (let i = 0; i < size; i++) acc[i] = finish(acc[i], count, shift[i]);
  }
  return acc;
}

/** Exact bigint accumulation in the type's own storage, which wraps as int64/uint64 arithmetic does. */
function reduceBigInt(x: DenseTensor, g: Geometry, dims: Shape, size: number, reduction: Reduction): DenseTensor {
  const acc = allocateStorage(x.type, size) as BigInt64Array | BigUint64Array;
  acc.fill(BigInt(reduction.identity(x.type)));
  accumulate(x.data as BigInt64Array | BigUint64Array, acc, g, reduction.step.bigint as Step, new Float64Array(size));
  const finish = reduction.finish?.bigint;
  if (finish) {
    const count = g.reducedOffsets.length * g.run;
    for (let i = 0; i < size; i++) acc[i] = finish(acc[i], count, 0);
  }
  return new DenseTensor(x.type, dims, acc);
}

/** Reduces `x` over the axes marked in `reduced`, keeping them as 1s when `keepdims`. */
export function reduceTensor(x: DenseTensor, reduced: readonly boolean[], keepdims: boolean, reduction: Reduction): DenseTensor {
  const dims = checkedDims(
    x.dims.flatMap((d, axis) => (!reduced[axis] ? [d] : keepdims ? [1] : [])),
    'the reduced output shape',
  );
  const size = dims.reduce((a, b) => a * b, 1);
  const g = geometryOf(x.dims, reduced);
  const type = x.type;
  const exactBigInt = reduction.step.bigint !== undefined && (!reduction.finish || reduction.finish.bigint !== undefined);
  if (isBigIntType(type) && exactBigInt) return reduceBigInt(x, g, dims, size, reduction);

  const raw = computeValues(x);
  const values = isBigIntArray(raw) ? Float64Array.from(raw, Number) : raw;
  const pre = reduction.prepass;
  const shift = pre && computesAsFloat(type)
    ? reduceToFloat64(values, g, size, type, pre.reduction, new Float64Array(size))
    : new Float64Array(size).fill(pre?.neutral ?? 0);
  const result = reduceToFloat64(values, g, size, type, reduction, shift);
  if (isBigIntType(type)) {
    const out = allocateStorage(type, size) as BigInt64Array | BigUint64Array;
    // Typed-array semantics for the other integer types: a non-finite result stores as 0.
    for (let i = 0; i < size; i++) out[i] = Number.isFinite(result[i]) ? BigInt(Math.trunc(result[i])) : 0n;
    return new DenseTensor(type, dims, out);
  }
  const out = computeBuffer(type, size);
  out.set(result as never);
  return tensorFromCompute(type, dims, out);
}
