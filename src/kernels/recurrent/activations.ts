/**
 * The activation functions RNN, GRU and LSTM name in their `activations` attribute, with the
 * `activation_alpha` / `activation_beta` lists resolved once at plan time.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { AttributeReader } from '../attributes.js';
import { fastSigmoid, fastTanh } from '../support/fast-math.js';

export type Activation = (x: number) => number;

interface ActivationKind {
  /** Defaults are those of the ONNX operator of the same name; undefined: takes no such parameter. */
  readonly alpha?: number;
  readonly beta?: number;
  readonly make: (alpha: number, beta: number) => Activation;
}

const KINDS: Record<string, ActivationKind> = {
  relu: { make: () => (x) => (x > 0 ? x : 0) },
  // The cells call these once per gate element; the inlinable versions keep the steps tight.
  tanh: { make: () => fastTanh },
  sigmoid: { make: () => fastSigmoid },
  affine: { alpha: 1, beta: 0, make: (a, b) => (x) => a * x + b },
  leakyrelu: { alpha: 0.01, make: (a) => (x) => (x >= 0 ? x : a * x) },
  thresholdedrelu: { alpha: 1, make: (a) => (x) => (x >= a ? x : 0) },
  scaledtanh: { alpha: 1, beta: 1, make: (a, b) => (x) => a * fastTanh(b * x) },
  hardsigmoid: { alpha: 0.2, beta: 0.5, make: (a, b) => (x) => Math.min(Math.max(a * x + b, 0), 1) },
  elu: { alpha: 1, make: (a) => (x) => (x >= 0 ? x : a * Math.expm1(x)) },
  softsign: { make: () => (x) => x / (1 + Math.abs(x)) },
  // Written so exp never overflows for large x.
  softplus: { make: () => (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) },
};

/**
 * The activation functions of each direction: `defaults.length` functions per direction, the
 * list holding one set per direction in order. A one-direction op may carry a two-direction list
 * (RNN's schema default is ['Tanh', 'Tanh']); it uses the first set.
 */
export function parseActivations(
  attrs: AttributeReader,
  defaults: readonly string[],
  directions: number,
): Activation[][] {
  const perDirection = defaults.length;
  const names = attrs.strings('activations') ?? Array.from({ length: directions }, () => defaults).flat();
  const alphas = attrs.floats('activation_alpha', []);
  const betas = attrs.floats('activation_beta', []);
  if (names.length !== perDirection * directions && !(directions === 1 && names.length === perDirection * 2)) {
    throw new KernelInputError(
      `attribute 'activations' must list ${perDirection} function(s) for each of ${directions} direction(s), got ${names.length} (${names.join(', ')})`,
    );
  }
  // Parameters are consumed in list order, each only by the functions that take it.
  let nextAlpha = 0;
  let nextBeta = 0;
  const functions = names.map((name) => {
    const kind = KINDS[name.toLowerCase()];
    if (kind === undefined) {
      throw new KernelInputError(`attribute 'activations': unknown activation function '${name}'`);
    }
    const alpha = kind.alpha === undefined ? 0 : nextAlpha < alphas.length ? alphas[nextAlpha++] : kind.alpha;
    const beta = kind.beta === undefined ? 0 : nextBeta < betas.length ? betas[nextBeta++] : kind.beta;
    return kind.make(alpha, beta);
  });
  return Array.from({ length: directions }, (_, d) => functions.slice(d * perDirection, (d + 1) * perDirection));
}
