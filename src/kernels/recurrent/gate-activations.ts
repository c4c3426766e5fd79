/**
 * A gate activation applied in place over a run of one step's gate values. Float32 runs of the
 * default functions go to the elementwise WebAssembly module where they are long enough for the
 * call to pay: its vector loops are compiled before the first run, where a TypeScript loop of
 * per-element calls runs interpreted until V8 optimizes it. Shorter float32 runs take branch-free
 * rational approximations good to float32 precision (measured 2x to 4x faster than fast-math's
 * table-driven exp on mixed-sign gate values); float64 runs keep fast-math's double precision.
 */
import { wasmUnaryF32, type WasmUnaryOp } from '../../backends/wasm/elementwise-host.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import { fastSigmoid, fastTanh } from '../support/fast-math.js';
import type { Activation } from './activations.js';
import { clamp } from './cell.js';

/** data[from .. from + count) = f(clamp(data[..], clip)): the op's `clip` bound (Infinity: none), then its activation. */
export function activateGates(f: Activation, data: FloatArray, from: number, count: number, clip: number): void {
  if (clip !== Infinity) for (let i = from; i < from + count; i++) data[i] = clamp(data[i], clip);
  activateInPlace(f, data, from, count);
}

/** data[from .. from + count) = f(data[..]). */
export function activateInPlace(f: Activation, data: FloatArray, from: number, count: number): void {
  const end = from + count;
  if (f === fastSigmoid) {
    if (!(data instanceof Float32Array)) for (let i = from; i < end; i++) data[i] = fastSigmoid(data[i]);
    else if (!inWasm('sigmoid', data, from, end)) for (let i = from; i < end; i++) data[i] = float32Sigmoid(data[i]);
  } else if (f === fastTanh) {
    if (!(data instanceof Float32Array)) for (let i = from; i < end; i++) data[i] = fastTanh(data[i]);
    else if (!inWasm('tanh', data, from, end)) for (let i = from; i < end; i++) data[i] = float32Tanh(data[i]);
  } else {
    for (let i = from; i < end; i++) data[i] = f(data[i]);
  }
}

/** Shorter runs stay in TypeScript: the module's call costs more (wasmUnaryF32 declines them too). */
const WASM_MIN_RUN = 64;

function inWasm(op: WasmUnaryOp, data: Float32Array, from: number, end: number): boolean {
  if (end - from < WASM_MIN_RUN) return false;
  const run = data.subarray(from, end);
  return wasmUnaryF32(op, run, run);
}

/** tanh saturates to ±1 in float32 beyond this. */
const TANH_LIMIT = 9;

/**
 * tanh(x) as x P(x^2) / Q(x^2) (the rational approximation Eigen and MLAS use for float32),
 * within 3e-8 of tanh on the whole line; no branch but the clamp, so no mispredictions on
 * values of either sign and size.
 */
export function float32Tanh(x: number): number {
  const c = x > TANH_LIMIT ? TANH_LIMIT : x < -TANH_LIMIT ? -TANH_LIMIT : x;
  const z = c * c;
  const p = c * (4.89352455891786e-3 + z * (6.37261928875436e-4 + z * (1.48572235717979e-5 + z * (5.12229709037114e-8 +
    z * (-8.60467152213735e-11 + z * (2.00018790482477e-13 + z * -2.76076847742355e-16))))));
  const q = 4.89352518554385e-3 + z * (2.268434632439e-3 + z * (1.18534705686654e-4 + z * 1.19825839466702e-6));
  return p / q;
}

/** 1 / (1 + e^-x) = (1 + tanh(x / 2)) / 2, within 2e-8. NaN flows through both. */
export function float32Sigmoid(x: number): number {
  return 0.5 + 0.5 * float32Tanh(0.5 * x);
}
