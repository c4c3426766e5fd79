/**
 * Entry of the f32 elementwise module: unary activations and broadcasting binary arithmetic on
 * float32 arrays in this module's memory, and softmax and layer normalization over rows
 * (softmax-rows.ts, normalize-rows.ts), 2-D resizing (resize-planes.ts), one mean or maximum
 * per plane (plane-reduce.ts) and the steps of an LSTM or GRU direction (lstm-steps.ts,
 * gru-steps.ts). The module runs in the GEMM module's memory, imported: operands that live
 * there (a run's activations) are addressed where they are, others the host
 * (src/backends/wasm/elementwise-host.ts) copies into scratch. So every loop stays inside its
 * operands: whole vectors, then the tail one lane at a time, and nothing past an output's end
 * is written (it may be the next activation).
 *
 * Each export switches on the op once and then runs a loop specialised to it (the op argument
 * of the inlined helpers is a constant in every case, so the optimizer folds the switch away).
 */
import { erf4, exp4, expm14, log1pNonNegative4, log4, sigmoid4, tanh4 } from './elementwise-math';

export { normalizeRows } from './normalize-rows';
export { resizeNearestPlanes, resizeTapsPlanes } from './resize-planes';
export { softmaxRows } from './softmax-rows';
export { softmaxLanes } from './softmax-lanes';

@inline function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

/** Where static data ends: the build keeps this module free of it (0), so it never writes the imported memory unasked. */
export function heapBase(): usize {
  return __heap_base;
}

// Unary op codes, shared with the host.
export const RELU: i32 = 0;
/** x < 0 ? p0 x : x */
export const LEAKY_RELU: i32 = 1;
/** min(max(x, p0), p1), NaN kept */
export const CLIP: i32 = 2;
/** max(0, min(1, p0 x + p1)) */
export const HARD_SIGMOID: i32 = 3;
export const HARD_SWISH: i32 = 4;
export const SIGMOID: i32 = 5;
export const TANH: i32 = 6;
export const EXP: i32 = 7;
export const ERF: i32 = 8;
/** 0.5 x (1 + erf(x / sqrt 2)) */
export const GELU: i32 = 9;
/** x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)), the tanh form of GELU */
export const TANH_GELU: i32 = 10;
/** x sigmoid(p0 x): Swish, QuickGelu */
export const SWISH: i32 = 11;
export const MISH: i32 = 12;
export const SQRT: i32 = 13;
export const LOG: i32 = 14;
/** ln(1 + e^x) */
export const SOFTPLUS: i32 = 15;
/** x < 0 ? p0 (e^x - 1) : x */
export const ELU: i32 = 16;
/** x > 0 ? p1 x : p1 p0 (e^x - 1), p0 = alpha and p1 = gamma */
export const SELU: i32 = 17;
/** x / (1 + |x|) */
export const SOFTSIGN: i32 = 18;

// onnxruntime's constants: sqrt(2 / pi) and 0.044715 * sqrt(2 / pi).
const TANH_GELU_B: f32 = 0.7978845608028654;
const TANH_GELU_C: f32 = 0.035677408136300125;
/** Past this, mish(x) is x in float32 (and e^x (e^x + 2) would overflow). */
const MISH_LINEAR: f32 = 20;
/** Past this, ln(1 + e^x) is x in float32. */
const SOFTPLUS_LINEAR: f32 = 20;

@inline function unary4(op: i32, x: v128, p0: v128, p1: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (op) {
    // pmax(0, x) is 0 < x ? x : 0, so NaN gives 0 as the TypeScript kernel's x > 0 ? x : 0 does.
    case RELU: return f32x4.pmax(zero, x);
    case LEAKY_RELU: return v128.bitselect(f32x4.mul(p0, x), x, f32x4.lt(x, zero));
    // pmax(x, lo) is x < lo ? lo : x and pmin(r, hi) is hi < r ? hi : r: NaN stays NaN.
    case CLIP: return f32x4.pmin(f32x4.pmax(x, p0), p1);
    case HARD_SIGMOID: return f32x4.max(zero, f32x4.min(one, f32x4.add(f32x4.mul(p0, x), p1)));
    case HARD_SWISH: {
      const gate = f32x4.add(f32x4.div(x, f32x4.splat(6)), f32x4.splat(0.5));
      return f32x4.mul(x, f32x4.max(zero, f32x4.min(one, gate)));
    }
    case SIGMOID: return sigmoid4(x);
    case TANH: return tanh4(x);
    case EXP: return exp4(x);
    case ERF: return erf4(x);
    case GELU: {
      const e = erf4(f32x4.mul(x, f32x4.splat(0.7071067811865476)));
      return f32x4.mul(f32x4.mul(f32x4.splat(0.5), x), f32x4.add(one, e));
    }
    case TANH_GELU: {
      const u = f32x4.mul(x, f32x4.add(f32x4.mul(f32x4.splat(TANH_GELU_C), f32x4.mul(x, x)), f32x4.splat(TANH_GELU_B)));
      // 0.5 x (1 + tanh u) = x sigmoid(2u)
      return f32x4.mul(x, sigmoid4(f32x4.add(u, u)));
    }
    case SWISH: return f32x4.mul(x, sigmoid4(f32x4.mul(p0, x)));
    case MISH: {
      // x tanh(ln(1 + e^x)) = x n / (n + 2) with n = e^x (e^x + 2).
      const e = exp4(x);
      const n = f32x4.mul(e, f32x4.add(e, f32x4.splat(2)));
      const y = f32x4.div(f32x4.mul(x, n), f32x4.add(n, f32x4.splat(2)));
      return v128.bitselect(x, y, f32x4.gt(x, f32x4.splat(MISH_LINEAR)));
    }
    case SQRT: return f32x4.sqrt(x);
    case LOG: return log4(x);
    case SOFTPLUS: return v128.bitselect(x, log1pNonNegative4(exp4(x)), f32x4.gt(x, f32x4.splat(SOFTPLUS_LINEAR)));
    case ELU: return v128.bitselect(f32x4.mul(p0, expm14(x)), x, f32x4.lt(x, zero));
    case SELU: return v128.bitselect(f32x4.mul(p1, x), f32x4.mul(f32x4.mul(p1, p0), expm14(x)), f32x4.gt(x, zero));
    case SOFTSIGN: return f32x4.div(x, f32x4.add(one, f32x4.abs(x)));
    default: return x;
  }
}

@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32, p0: f32, p1: f32): void {
  const v0 = f32x4.splat(p0);
  const v1 = f32x4.splat(p1);
  const whole = n & ~3;
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, unary4(op, v128.load(x + at), v0, v1));
  }
  for (let i = whole; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, lane0(unary4(op, f32x4.splat(load<f32>(x + at)), v0, v1)));
  }
}

/** out[i] = op(x[i]) for i < n; out may be x. */
export function unary(op: i32, x: usize, out: usize, n: i32, p0: f32, p1: f32): void {
  switch (op) {
    case RELU: unaryLoop(RELU, x, out, n, p0, p1); break;
    case LEAKY_RELU: unaryLoop(LEAKY_RELU, x, out, n, p0, p1); break;
    case CLIP: unaryLoop(CLIP, x, out, n, p0, p1); break;
    case HARD_SIGMOID: unaryLoop(HARD_SIGMOID, x, out, n, p0, p1); break;
    case HARD_SWISH: unaryLoop(HARD_SWISH, x, out, n, p0, p1); break;
    case SIGMOID: unaryLoop(SIGMOID, x, out, n, p0, p1); break;
    case TANH: unaryLoop(TANH, x, out, n, p0, p1); break;
    case EXP: unaryLoop(EXP, x, out, n, p0, p1); break;
    case ERF: unaryLoop(ERF, x, out, n, p0, p1); break;
    case GELU: unaryLoop(GELU, x, out, n, p0, p1); break;
    case TANH_GELU: unaryLoop(TANH_GELU, x, out, n, p0, p1); break;
    case SWISH: unaryLoop(SWISH, x, out, n, p0, p1); break;
    case MISH: unaryLoop(MISH, x, out, n, p0, p1); break;
    case SQRT: unaryLoop(SQRT, x, out, n, p0, p1); break;
    case LOG: unaryLoop(LOG, x, out, n, p0, p1); break;
    case SOFTPLUS: unaryLoop(SOFTPLUS, x, out, n, p0, p1); break;
    case ELU: unaryLoop(ELU, x, out, n, p0, p1); break;
    case SELU: unaryLoop(SELU, x, out, n, p0, p1); break;
    case SOFTSIGN: unaryLoop(SOFTSIGN, x, out, n, p0, p1); break;
  }
}

// Binary op codes, shared with the host.
export const ADD: i32 = 0;
export const SUB: i32 = 1;
export const MUL: i32 = 2;
export const DIV: i32 = 3;
/** wasm's max and min propagate NaN, as numpy's maximum and minimum do. */
export const MAX: i32 = 4;
export const MIN: i32 = 5;
/** a < 0 ? b a : a, B the slope */
export const PRELU: i32 = 6;

@inline function binary4(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAX: return f32x4.max(a, b);
    case MIN: return f32x4.min(a, b);
    case PRELU: return v128.bitselect(f32x4.mul(b, a), a, f32x4.lt(a, f32x4.splat(0)));
    default: return a;
  }
}

/**
 * Run r writes out[r * block, (r + 1) * block) from A at element offset runs[2r] and B at
 * runs[2r + 1]; an operand with step 0 holds one value over the run. out may be A or B where
 * that operand is not broadcast (each element is read before it is written).
 */
@inline function binaryLoop(op: i32, a: usize, b: usize, out: usize, block: i32, aStep: i32, bStep: i32, runs: usize, count: i32): void {
  const whole = block & ~3;
  for (let r = 0; r < count; r++) {
    const ar = a + (<usize>load<i32>(runs + (<usize>r << 3)) << 2);
    const br = b + (<usize>load<i32>(runs + (<usize>r << 3) + 4) << 2);
    const or = out + (<usize>(r * block) << 2);
    if (aStep && bStep) {
      for (let i = 0; i < whole; i += 4) {
        const at = <usize>i << 2;
        v128.store(or + at, binary4(op, v128.load(ar + at), v128.load(br + at)));
      }
      for (let i = whole; i < block; i++) {
        const at = <usize>i << 2;
        store<f32>(or + at, lane0(binary4(op, f32x4.splat(load<f32>(ar + at)), f32x4.splat(load<f32>(br + at)))));
      }
    } else if (aStep) {
      const s = v128.load32_splat(br);
      for (let i = 0; i < whole; i += 4) {
        const at = <usize>i << 2;
        v128.store(or + at, binary4(op, v128.load(ar + at), s));
      }
      for (let i = whole; i < block; i++) {
        const at = <usize>i << 2;
        store<f32>(or + at, lane0(binary4(op, f32x4.splat(load<f32>(ar + at)), s)));
      }
    } else {
      const s = v128.load32_splat(ar);
      for (let i = 0; i < whole; i += 4) {
        const at = <usize>i << 2;
        v128.store(or + at, binary4(op, s, v128.load(br + at)));
      }
      for (let i = whole; i < block; i++) {
        const at = <usize>i << 2;
        store<f32>(or + at, lane0(binary4(op, s, f32x4.splat(load<f32>(br + at)))));
      }
    }
  }
}

export function binary(op: i32, a: usize, b: usize, out: usize, block: i32, aStep: i32, bStep: i32, runs: usize, count: i32): void {
  switch (op) {
    case ADD: binaryLoop(ADD, a, b, out, block, aStep, bStep, runs, count); break;
    case SUB: binaryLoop(SUB, a, b, out, block, aStep, bStep, runs, count); break;
    case MUL: binaryLoop(MUL, a, b, out, block, aStep, bStep, runs, count); break;
    case DIV: binaryLoop(DIV, a, b, out, block, aStep, bStep, runs, count); break;
    case MAX: binaryLoop(MAX, a, b, out, block, aStep, bStep, runs, count); break;
    case MIN: binaryLoop(MIN, a, b, out, block, aStep, bStep, runs, count); break;
    case PRELU: binaryLoop(PRELU, a, b, out, block, aStep, bStep, runs, count); break;
  }
}

export { channelAffine } from './channel-affine';
export { convTransposePairs } from './conv-transpose-pairs';
export { planeReduce } from './plane-reduce';
export { lstmSteps } from './lstm-steps';
export { gruSteps } from './gru-steps';
export { convTransposeDirect } from './conv-transpose-direct';
