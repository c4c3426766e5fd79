/**
 * One step of the ai.onnx.preview.training optimizers, each applied to every optimized tensor
 * independently (the spec's "concatenate them" reading gives the same result elementwise):
 * Adagrad (accumulated squared gradient, decaying rate), Adam (bias-corrected moment averages)
 * and Momentum (standard or Nesterov). Formulas follow the spec's pseudo code.
 */
import { KernelInputError } from '../../errors/errors.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optimizerStep, outputsLike } from './optimizer-inputs.js';

const DOMAIN = 'ai.onnx.preview.training';
const FLOAT_TYPES = ['float32', 'float64'] as const;
const RATE_TYPES = [{ input: 0, types: FLOAT_TYPES }, { input: 1, types: ['int64'] as const }, { input: 2, types: FLOAT_TYPES }];

interface AdagradAttributes { readonly decay: number; readonly epsilon: number; readonly norm: number }

const adagrad = kernel<AdagradAttributes>({
  domain: DOMAIN,
  opType: 'Adagrad',
  sinceVersion: 1,
  typeConstraints: RATE_TYPES,
  parseAttributes: (attrs) => ({ decay: attrs.float('decay_factor', 0), epsilon: attrs.float('epsilon', 0), norm: attrs.float('norm_coefficient', 0) }),
  run(inputs, { decay, epsilon, norm }) {
    const { rate, count, groups: [xs, gs, hs], xs: tensors } = optimizerStep(inputs, ['X', 'G', 'H']);
    const r = rate / (1 + count * decay);
    const xNew = xs.map((x) => new Float64Array(x.length));
    const hNew = xs.map((x) => new Float64Array(x.length));
    xs.forEach((x, i) => x.forEach((xj, j) => {
      const g = norm * xj + gs[i][j];
      const h = hs[i][j] + g * g;
      hNew[i][j] = h;
      xNew[i][j] = xj - (r * g) / (Math.sqrt(h) + epsilon);
    }));
    return [...outputsLike(tensors, xNew), ...outputsLike(tensors, hNew)];
  },
});

interface AdamAttributes { readonly alpha: number; readonly beta: number; readonly epsilon: number; readonly norm: number; readonly normPost: number }

const adam = kernel<AdamAttributes>({
  domain: DOMAIN,
  opType: 'Adam',
  sinceVersion: 1,
  typeConstraints: RATE_TYPES,
  parseAttributes: (attrs) => ({
    alpha: attrs.float('alpha', 0.9),
    beta: attrs.float('beta', 0.999),
    epsilon: attrs.float('epsilon', 0),
    norm: attrs.float('norm_coefficient', 0),
    normPost: attrs.float('norm_coefficient_post', 0),
  }),
  run(inputs, { alpha, beta, epsilon, norm, normPost }) {
    const { rate, count, groups: [xs, gs, vs, hs], xs: tensors } = optimizerStep(inputs, ['X', 'G', 'V', 'H']);
    const r = count > 0 ? (rate * Math.sqrt(1 - beta ** count)) / (1 - alpha ** count) : rate;
    const [xNew, vNew, hNew] = [0, 1, 2].map(() => xs.map((x) => new Float64Array(x.length)));
    xs.forEach((x, i) => x.forEach((xj, j) => {
      const g = norm * xj + gs[i][j];
      const v = alpha * vs[i][j] + (1 - alpha) * g;
      const h = beta * hs[i][j] + (1 - beta) * g * g;
      vNew[i][j] = v;
      hNew[i][j] = h;
      xNew[i][j] = (1 - normPost) * (xj - (r * v) / (Math.sqrt(h) + epsilon));
    }));
    return [...outputsLike(tensors, xNew), ...outputsLike(tensors, vNew), ...outputsLike(tensors, hNew)];
  },
});

interface MomentumAttributes { readonly alpha: number; readonly beta: number; readonly norm: number; readonly nesterov: boolean }

const momentum = kernel<MomentumAttributes>({
  domain: DOMAIN,
  opType: 'Momentum',
  sinceVersion: 1,
  typeConstraints: RATE_TYPES,
  parseAttributes(attrs) {
    const mode = attrs.string('mode');
    if (mode !== 'standard' && mode !== 'nesterov') throw new KernelInputError(`attribute 'mode' must be 'standard' or 'nesterov', got ${JSON.stringify(mode)}`);
    const required = (name: string): number => {
      const value = attrs.float(name);
      if (value === undefined) throw new KernelInputError(`attribute '${name}' is required but missing`);
      return value;
    };
    return { alpha: required('alpha'), beta: required('beta'), norm: required('norm_coefficient'), nesterov: mode === 'nesterov' };
  },
  run(inputs, { alpha, beta, norm, nesterov }) {
    const { rate, count, groups: [xs, gs, vs], xs: tensors } = optimizerStep(inputs, ['X', 'G', 'V']);
    // The first step takes the whole gradient.
    const b = count > 0 ? beta : 1;
    const xNew = xs.map((x) => new Float64Array(x.length));
    const vNew = xs.map((x) => new Float64Array(x.length));
    xs.forEach((x, i) => x.forEach((xj, j) => {
      const g = norm * xj + gs[i][j];
      const v = alpha * vs[i][j] + b * g;
      vNew[i][j] = v;
      xNew[i][j] = xj - rate * (nesterov ? g + alpha * v : v);
    }));
    return [...outputsLike(tensors, xNew), ...outputsLike(tensors, vNew)];
  },
});

export const optimizerKernels: KernelDefinition[] = [adagrad, adam, momentum];
