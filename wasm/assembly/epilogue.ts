/**
 * The activation a convolution may apply as it stores its outputs (the optimizer's FusedConv:
 * Conv followed by one of these), so the output is written once instead of read and written
 * again by a separate elementwise node. The codes are the host's (src/backends/wasm/
 * conv-activation.ts); the parameters are set once per call by setActivation.
 *
 * Vector and scalar forms compute the same function lane for lane: the vector one for full
 * tiles, the scalar one for edges. max and min are wasm's f32 max/min in both (NaN in, NaN out,
 * as the ONNX operators define). Sigmoid and Tanh have no vector form here: they go through
 * Mathf per element after the row is stored.
 */
export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
/** min(max(x, alpha), beta): Clip with alpha = min, beta = max (Relu6 is 0, 6). */
export const ACT_CLIP: i32 = 2;
/** x < 0 ? alpha * x : x */
export const ACT_LEAKY_RELU: i32 = 3;
/** max(0, min(1, alpha * x + beta)) */
export const ACT_HARD_SIGMOID: i32 = 4;
export const ACT_SIGMOID: i32 = 5;
export const ACT_TANH: i32 = 6;

let alpha: f32 = 0;
let beta: f32 = 0;

export function setActivation(a: f32, b: f32): void {
  alpha = a;
  beta = b;
}

/** Whether `act` is computed per element after the vector store (activateStored). */
@inline export function isTranscendental(act: i32): bool {
  return act >= ACT_SIGMOID;
}

/** The vector activations; identity for none and for the transcendental ones. */
@inline export function activate(v: v128, act: i32): v128 {
  if (act == ACT_RELU) return f32x4.max(v, f32x4.splat(0));
  if (act == ACT_CLIP) return f32x4.min(f32x4.max(v, f32x4.splat(alpha)), f32x4.splat(beta));
  if (act == ACT_LEAKY_RELU) return v128.bitselect(f32x4.mul(v, f32x4.splat(alpha)), v, f32x4.lt(v, f32x4.splat(0)));
  if (act == ACT_HARD_SIGMOID) {
    const y = f32x4.add(f32x4.mul(v, f32x4.splat(alpha)), f32x4.splat(beta));
    return f32x4.max(f32x4.splat(0), f32x4.min(f32x4.splat(1), y));
  }
  return v;
}

/** The scalar form of every activation, transcendental ones included. */
export function activateScalar(x: f32, act: i32): f32 {
  if (act == ACT_RELU) return max<f32>(x, 0);
  if (act == ACT_CLIP) return min<f32>(max<f32>(x, alpha), beta);
  if (act == ACT_LEAKY_RELU) return x < 0 ? x * alpha : x;
  if (act == ACT_HARD_SIGMOID) return max<f32>(0, min<f32>(1, x * alpha + beta));
  if (act == ACT_SIGMOID) return sigmoid(x);
  if (act == ACT_TANH) return Mathf.tanh(x);
  return x;
}

/** Applies a transcendental activation to `count` floats already stored at `at`. */
export function activateStored(at: usize, count: i32, act: i32): void {
  for (let j = 0; j < count; j++, at += 4) store<f32>(at, activateScalar(load<f32>(at), act));
}

/** 1 / (1 + e^-x), through e^-|x| so that neither branch overflows. */
function sigmoid(x: f32): f32 {
  const e = Mathf.exp(-Mathf.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}
