import type { ConvActivation } from '../../src/backends/wasm/conv-activation.js';

/** Every epilogue activation the conv kernels apply, and none. */
export const CONV_ACTIVATIONS: (ConvActivation | undefined)[] = [
  undefined,
  { kind: 'Relu' },
  { kind: 'Clip', min: -0.5, max: 0.75 },
  { kind: 'LeakyRelu', alpha: 0.1 },
  { kind: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  { kind: 'HardSwish' },
  { kind: 'Sigmoid' },
  { kind: 'Tanh' },
  { kind: 'QuickGelu', alpha: 1.702 },
  { kind: 'QuickGelu', alpha: 1 },
];

/** The activation in double precision: the reference the kernels' float32 results are held to. */
export function applyConvActivation(v: number, a: ConvActivation | undefined): number {
  switch (a?.kind) {
    case undefined: return v;
    case 'Relu': return Math.max(v, 0);
    case 'Clip': return Math.min(Math.max(v, a.min), a.max);
    case 'LeakyRelu': return v < 0 ? a.alpha * v : v;
    case 'HardSigmoid': return Math.max(0, Math.min(1, a.alpha * v + a.beta));
    case 'Sigmoid': return 1 / (1 + Math.exp(-v));
    case 'Tanh': return Math.tanh(v);
    case 'HardSwish': return v * Math.max(0, Math.min(1, v / 6 + 0.5));
    case 'QuickGelu': return v / (1 + Math.exp(-a.alpha * v));
  }
}
