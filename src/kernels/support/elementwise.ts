/**
 * The shared loops of the elementwise families: one unary map and one broadcasting binary map
 * serve every element type. Element functions are polymorphic over number and bigint where
 * JavaScript's operators are (a + b works for both); ops that differ per kind give a function
 * per kind.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { isBigIntType, isEncodedFloatType, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { broadcastIndex, broadcastShapes } from './broadcast.js';
import { computeBuffer, computeValues, tensorFromCompute } from './numeric.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- element functions take number or bigint. */
export type ElementFn = (a: any, b: any) => any;
export type UnaryFn = (x: any) => any;

/** Per element-kind functions: `float` is required; `int` and `bigint` default to it. */
export interface ElementFns<F> {
  readonly float: F;
  /** For the integer types stored as numbers (int8..int32, uint8..uint32). */
  readonly int?: F;
  /** For int32/uint32 where a double product loses low bits (Mul). */
  readonly int32?: F;
  readonly bigint?: F;
  readonly bool?: F;
}

export function pickFn<F>(fns: ElementFns<F>, type: DataType): F {
  if (type === 'bool') return fns.bool ?? fns.int ?? fns.float;
  if (isBigIntType(type)) return fns.bigint ?? fns.float;
  if (type === 'int32' || type === 'uint32') return fns.int32 ?? fns.int ?? fns.float;
  if (type.startsWith('int') || type.startsWith('uint')) return fns.int ?? fns.float;
  return fns.float;
}

/** Elementwise f(x) over one tensor; the result has `outType` (default: the input's). */
export function mapUnary(x: DenseTensor, fns: ElementFns<UnaryFn>, outType: DataType = x.type): DenseTensor {
  const fn = pickFn(fns, x.type);
  const input = computeValues(x);
  const out = computeBuffer(outType, input.length);
  const bigOut = isBigIntType(outType);
  const boolOut = outType === 'bool';
  for (let i = 0; i < input.length; i++) {
    const v = fn(input[i]);
    out[i] = boolOut ? (v ? 1 : 0) : bigOut && typeof v !== 'bigint' ? BigInt(v) : v;
  }
  return tensorFromCompute(outType, x.dims, out);
}

/** Elementwise f(a, b) with multidirectional broadcasting. */
export function mapBinary(a: DenseTensor, b: DenseTensor, fns: ElementFns<ElementFn>, outType: DataType = a.type): DenseTensor {
  const dims = broadcastShapes(a.dims, b.dims);
  const size = sizeOf(dims);
  const fn = pickFn(fns, a.type);
  const av = computeValues(a);
  const bv = computeValues(b);
  // A bool output is a Uint8Array, where assigning true/false stores 1/0.
  const out = computeBuffer(outType, size);
  const ia = broadcastIndex(a.dims, dims);
  const ib = broadcastIndex(b.dims, dims);
  if (!ia && !ib) {
    for (let i = 0; i < size; i++) out[i] = fn(av[i], bv[i]);
  } else if (!ia && b.size === 1) {
    const s = bv[0];
    for (let i = 0; i < size; i++) out[i] = fn(av[i], s);
  } else if (a.size === 1 && !ib) {
    const s = av[0];
    for (let i = 0; i < size; i++) out[i] = fn(s, bv[i]);
  } else {
    for (let i = 0; i < size; i++) out[i] = fn(av[ia ? ia[i] : i], bv[ib ? ib[i] : i]);
  }
  return tensorFromCompute(outType, dims, out);
}

/** True when values of this type compute as floats (including the decoded encoded types). */
export function computesAsFloat(type: DataType): boolean {
  return type === 'float32' || type === 'float64' || isEncodedFloatType(type);
}
