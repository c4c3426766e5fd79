/**
 * GELU over float32 arrays, exact (through erf) and by the tanh approximation, optionally of
 * x + bias with the bias repeating along the last dimension (one value per element of a row).
 * The elementwise WebAssembly module runs them where it is loaded (see float-unary-loops.ts).
 */
import { wasmBiasUnaryF32 } from '../../backends/wasm/elementwise-host.js';
import type { Float32UnaryLoop } from '../support/elementwise.js';
import { fastErf, fastExp } from '../support/fast-math.js';
import { preferWasm } from './float-unary-loops.js';

const SQRT_HALF = Math.SQRT1_2;
// onnxruntime's constants: sqrt(2 / pi) and 0.044715 * sqrt(2 / pi).
export const TANH_GELU_B = 0.7978845608028654;
export const TANH_GELU_C = 0.035677408136300125;

function exactGelu(v: number): number {
  return 0.5 * v * (1 + fastErf(v * SQRT_HALF));
}

/** 0.5 x (1 + tanh(u)) = x sigmoid(2u), which does not cancel for negative x. */
function tanhGelu(v: number): number {
  return v / (1 + fastExp(-2 * v * (TANH_GELU_C * v * v + TANH_GELU_B)));
}

export const exactGeluLoop: Float32UnaryLoop = preferWasm('gelu', (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = exactGelu(x[i]);
});

export const tanhGeluLoop: Float32UnaryLoop = preferWasm('tanhGelu', (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = tanhGelu(x[i]);
});

export function exactGeluBiasLoop(x: Float32Array, bias: Float32Array, out: Float32Array): void {
  if (wasmBiasUnaryF32('gelu', x, bias, out)) return;
  const k = bias.length;
  for (let row = 0; row < x.length; row += k) {
    // x + bias rounds to float32 first, as onnxruntime adds in float32 before the activation.
    for (let j = 0; j < k; j++) out[row + j] = exactGelu(Math.fround(x[row + j] + bias[j]));
  }
}

export function tanhGeluBiasLoop(x: Float32Array, bias: Float32Array, out: Float32Array): void {
  if (wasmBiasUnaryF32('tanhGelu', x, bias, out)) return;
  const k = bias.length;
  for (let row = 0; row < x.length; row += k) {
    for (let j = 0; j < k; j++) out[row + j] = tanhGelu(Math.fround(x[row + j] + bias[j]));
  }
}
