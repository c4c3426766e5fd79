/**
 * What a fused convolution does to its output before storing it (FusedConv): add a residual Z
 * of the output's shape, then apply an activation. The wasm kernels do both as they store; this
 * is the TypeScript form, for the paths that stay in TypeScript, computed in place in one pass.
 */
import type { ConvActivation } from '../../backends/wasm/conv-activation.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import { formatShape, sameShape, type Shape } from '../../tensor/shape.js';
import { KernelInputError } from '../../errors/errors.js';

/** Z: values of the output's shape. */
export interface Residual {
  readonly dims: Shape;
  readonly values: FloatArray;
}

export interface ConvEpilogue {
  /** Added to every output (after the bias), before the activation. */
  readonly residual?: Residual;
  readonly activation?: ConvActivation;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The activation as a scalar function, for one element. */
export function activationFunction(a: ConvActivation): (x: number) => number {
  switch (a.kind) {
    case 'Relu': return (x) => (x < 0 ? 0 : x);
    case 'Clip': return (x) => Math.min(Math.max(x, a.min), a.max);
    case 'LeakyRelu': return (x) => (x < 0 ? a.alpha * x : x);
    case 'HardSigmoid': return (x) => Math.max(0, Math.min(1, a.alpha * x + a.beta));
    case 'HardSwish': return (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5));
    case 'Sigmoid': return sigmoid;
    case 'Tanh': return Math.tanh;
    case 'QuickGelu': return (x) => x * sigmoid(a.alpha * x);
  }
}

/** y = activation(y + residual), element by element. */
export function applyConvEpilogue(y: FloatArray, epilogue: ConvEpilogue): void {
  const { residual, activation } = epilogue;
  if (residual) {
    const z = residual.values;
    for (let i = 0; i < y.length; i++) y[i] += z[i];
  }
  if (!activation) return;
  // The common activations get loops of their own: a call per element costs more than the math.
  if (activation.kind === 'Relu') {
    for (let i = 0; i < y.length; i++) if (y[i] < 0) y[i] = 0;
  } else if (activation.kind === 'Clip') {
    const { min, max } = activation;
    for (let i = 0; i < y.length; i++) y[i] = Math.min(Math.max(y[i], min), max);
  } else {
    const f = activationFunction(activation);
    for (let i = 0; i < y.length; i++) y[i] = f(y[i]);
  }
}

/** Z must have the output's shape. */
export function checkResidual(residual: Residual | undefined, dims: Shape): void {
  if (residual && !sameShape(residual.dims, dims)) {
    throw new KernelInputError(`Z must have the output's shape ${formatShape(dims)}, got ${formatShape(residual.dims)}`);
  }
}
