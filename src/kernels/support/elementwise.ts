/**
 * The shared loops of the elementwise families: one unary map and one broadcasting binary map
 * serve every element type. Element functions are polymorphic over number and bigint where
 * JavaScript's operators are (a + b works for both); ops that differ per kind give a function
 * per kind. Calling an element function per element is slow (the call site sees every op and
 * is never inlined), so hot ops also give whole-array loops for float storage, which these
 * maps prefer; broadcasting then runs as contiguous runs rather than per-element indices.
 */
import { wasmBinaryF32, type WasmBinaryOp } from '../../backends/wasm/elementwise-host.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { isBigIntType, isEncodedFloatType, type DataType } from '../../tensor/element-type.js';
import { broadcastRuns, forEachRun, type BroadcastRuns } from './broadcast.js';
import type { KernelContext } from '../kernel.js';
import { computeOutput, computeValues, tensorFromCompute, type ComputeArray } from './numeric.js';

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

/** Writes f(x[i]) to out[i] for every element: one monomorphic loop per op, for float32 storage. */
export type Float32UnaryLoop = (x: Float32Array, out: Float32Array) => void;

export interface UnaryFns extends ElementFns<UnaryFn> {
  /** Used when input and output compute as float32 (float32 and the decoded encoded floats). */
  readonly float32Loop?: Float32UnaryLoop;
}

export type FloatArray = Float32Array | Float64Array;

/**
 * One op over a contiguous run of `n` elements, written out per operand kind so that each
 * loop is monomorphic: vv walks both inputs, vs holds B at one value, sv holds A.
 */
export interface FloatBinaryLoops {
  vv(a: FloatArray, ai: number, b: FloatArray, bi: number, out: FloatArray, o: number, n: number): void;
  vs(a: FloatArray, ai: number, s: number, out: FloatArray, o: number, n: number): void;
  sv(s: number, b: FloatArray, bi: number, out: FloatArray, o: number, n: number): void;
}

export interface BinaryFns extends ElementFns<ElementFn> {
  /** Used when both inputs and the output compute as one float kind (float32 or float64). */
  readonly floatLoops?: FloatBinaryLoops;
  /** The elementwise WebAssembly module's form, tried first for float32. */
  readonly wasmOp?: WasmBinaryOp;
}

/** Elementwise f(x) over one tensor; the result has `outType` (default: the input's). */
export function mapUnary(x: DenseTensor, fns: UnaryFns, outType: DataType = x.type, context?: KernelContext): DenseTensor {
  const input = computeValues(x);
  const out = computeOutput(context, outType, x.dims);
  if (fns.float32Loop && input instanceof Float32Array && out instanceof Float32Array) {
    fns.float32Loop(input, out);
    return tensorFromCompute(outType, x.dims, out);
  }
  const fn = pickFn(fns, x.type);
  const bigOut = isBigIntType(outType);
  const boolOut = outType === 'bool';
  for (let i = 0; i < input.length; i++) {
    const v = fn(input[i]);
    out[i] = boolOut ? (v ? 1 : 0) : bigOut && typeof v !== 'bigint' ? BigInt(v) : v;
  }
  return tensorFromCompute(outType, x.dims, out);
}

function sameFloatKind(a: ComputeArray, b: ComputeArray, out: ComputeArray): a is FloatArray {
  return (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) ||
    (a instanceof Float64Array && b instanceof Float64Array && out instanceof Float64Array);
}

/** out = op(a, b) over broadcast runs, with `out` possibly one of the inputs (same shape). */
export function runFloatLoops(loops: FloatBinaryLoops, runs: BroadcastRuns, a: FloatArray, b: FloatArray, out: FloatArray): void {
  const n = runs.block;
  if (runs.aStep && runs.bStep) forEachRun(runs, (o, ai, bi) => loops.vv(a, ai, b, bi, out, o, n));
  else if (runs.aStep) forEachRun(runs, (o, ai, bi) => loops.vs(a, ai, b[bi], out, o, n));
  else forEachRun(runs, (o, ai, bi) => loops.sv(a[ai], b, bi, out, o, n));
}

/** out[o..o+n) = fn over one run, for element types without a float loop. */
function runGeneric(fn: ElementFn, runs: BroadcastRuns, av: ComputeArray, bv: ComputeArray, out: ComputeArray): void {
  const n = runs.block;
  const aStep = runs.aStep;
  const bStep = runs.bStep;
  forEachRun(runs, (o, ai, bi) => {
    for (let i = 0; i < n; i++) out[o + i] = fn(av[ai + i * aStep], bv[bi + i * bStep]);
  });
}

/**
 * Elementwise f(a, b) with multidirectional broadcasting. With a context the output comes from
 * the run's arena, and may be the storage of an input of the output's shape that dies here:
 * every loop reads element i before writing it.
 */
export function mapBinary(a: DenseTensor, b: DenseTensor, fns: BinaryFns, outType: DataType = a.type, context?: KernelContext): DenseTensor {
  const runs = broadcastRuns(a.dims, b.dims);
  const av = computeValues(a);
  const bv = computeValues(b);
  // A bool output is a Uint8Array, where assigning true/false stores 1/0.
  const out = computeOutput(context, outType, runs.dims);
  if (fns.floatLoops && sameFloatKind(av, bv, out)) {
    const wasm = fns.wasmOp !== undefined && av instanceof Float32Array && wasmBinaryF32(fns.wasmOp, runs, av, bv as Float32Array, out as Float32Array);
    if (!wasm) runFloatLoops(fns.floatLoops, runs, av, bv as FloatArray, out as FloatArray);
  } else {
    runGeneric(pickFn(fns, a.type), runs, av, bv, out);
  }
  return tensorFromCompute(outType, runs.dims, out);
}

/** True when values of this type compute as floats (including the decoded encoded types). */
export function computesAsFloat(type: DataType): boolean {
  return type === 'float32' || type === 'float64' || isEncodedFloatType(type);
}
