/**
 * The activation a convolution may apply as it stores its outputs (the optimizer's FusedConv:
 * Conv followed by one of these), so the output is written once instead of read and written
 * again by a separate elementwise node. The codes are the host's (src/backends/wasm/
 * conv-activation.ts); the parameters are set once per call by setActivation.
 *
 * Every activation has a vector form; the scalar one, for edges, runs it on one lane, so both
 * compute the same function. max and min are wasm's f32 max/min (NaN in, NaN out, as the ONNX
 * operators define). Sigmoid, Tanh and QuickGelu (SiLU) use the elementwise module's vector
 * e^x forms (elementwise-math.ts), within a few ulps.
 */
import { sigmoid4, tanh4 } from './elementwise-math';

export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
/** min(max(x, alpha), beta): Clip with alpha = min, beta = max (Relu6 is 0, 6). */
export const ACT_CLIP: i32 = 2;
/** x < 0 ? alpha * x : x */
export const ACT_LEAKY_RELU: i32 = 3;
/** max(0, min(1, alpha * x + beta)) */
export const ACT_HARD_SIGMOID: i32 = 4;
/** x * max(0, min(1, x / 6 + 0.5)): ONNX HardSwish. */
export const ACT_HARD_SWISH: i32 = 5;
export const ACT_SIGMOID: i32 = 6;
export const ACT_TANH: i32 = 7;
/** x * sigmoid(alpha * x): SiLU / Swish at alpha 1. */
export const ACT_QUICK_GELU: i32 = 8;

let alpha: f32 = 0;
let beta: f32 = 0;

export function setActivation(a: f32, b: f32): void {
  alpha = a;
  beta = b;
}

/**
 * The activation of four floats; identity for none. A switch, not a chain of ifs: binaryen
 * turns `if (act == X) return f(v)` into a br_if whose value f(v) is computed before the test,
 * so every activation above the chosen one ran too (SiLU paid for Sigmoid and Tanh as well).
 */
@inline export function activate(v: v128, act: i32): v128 {
  // Relu, the commonest, skips the dispatch; computing it ahead of the test costs one instruction.
  if (act == ACT_RELU) return f32x4.max(v, f32x4.splat(0));
  switch (act) {
    case ACT_CLIP: return f32x4.min(f32x4.max(v, f32x4.splat(alpha)), f32x4.splat(beta));
    case ACT_LEAKY_RELU: return v128.bitselect(f32x4.mul(v, f32x4.splat(alpha)), v, f32x4.lt(v, f32x4.splat(0)));
    case ACT_HARD_SIGMOID: {
      const y = f32x4.add(f32x4.mul(v, f32x4.splat(alpha)), f32x4.splat(beta));
      return f32x4.max(f32x4.splat(0), f32x4.min(f32x4.splat(1), y));
    }
    case ACT_HARD_SWISH: {
      // pmin/pmax (one instruction each, min/max about eight) with y first pass NaN on, and y is never -0.
      const y = f32x4.add(f32x4.div(v, f32x4.splat(6)), f32x4.splat(0.5));
      return f32x4.mul(v, f32x4.pmax(f32x4.pmin(y, f32x4.splat(1)), f32x4.splat(0)));
    }
    case ACT_SIGMOID: return sigmoidOf(v);
    case ACT_TANH: return tanhOf(v);
    case ACT_QUICK_GELU: return f32x4.mul(v, sigmoidOf(f32x4.mul(v, f32x4.splat(alpha))));
    default: return v;
  }
}

/** The activation of one float, as activate computes it. */
export function activateScalar(x: f32, act: i32): f32 {
  return f32x4.extract_lane(activate(f32x4.splat(x), act), 0);
}

/** y = activation(y + z) over `count` floats: the residual of a convolution whose kernel cannot take it as it stores. */
export function addResidual(y: usize, z: usize, count: i32, act: i32): void {
  const vectors = count & ~3;
  let j = 0;
  for (; j < vectors; j += 4, y += 16, z += 16) v128.store(y, activate(f32x4.add(v128.load(y), v128.load(z)), act));
  for (; j < count; j++, y += 4, z += 4) store<f32>(y, activateScalar(load<f32>(y) + load<f32>(z), act));
}

// Out of line: activate is inlined wherever outputs are stored, the e^x forms need not be.
function sigmoidOf(x: v128): v128 {
  return sigmoid4(x);
}

function tanhOf(x: v128): v128 {
  return tanh4(x);
}
