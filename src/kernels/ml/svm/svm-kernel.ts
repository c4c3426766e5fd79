/**
 * The kernel functions of SVMClassifier and SVMRegressor, between each input row and each of a
 * set of vectors (support vectors, or coefficient rows in linear mode):
 *   LINEAR  x.y + c      POLY  (gamma x.y + coef0)^degree
 *   RBF     exp(-gamma |x - y|^2)      SIGMOID  tanh(gamma x.y + coef0)
 * kernel_params holds gamma, coef0 and degree.
 */
import { KernelInputError } from '../../../errors/errors.js';
import type { AttributeReader } from '../../attributes.js';

export type KernelType = 'LINEAR' | 'POLY' | 'RBF' | 'SIGMOID';

export interface SvmKernel {
  readonly type: KernelType;
  readonly gamma: number;
  readonly coef0: number;
  readonly degree: number;
}

const TYPES: readonly KernelType[] = ['LINEAR', 'POLY', 'RBF', 'SIGMOID'];

export function parseSvmKernel(attrs: AttributeReader): SvmKernel {
  const type = attrs.string('kernel_type', 'LINEAR') as KernelType;
  if (!TYPES.includes(type)) throw new KernelInputError(`attribute 'kernel_type' must be one of ${TYPES.join(', ')}, got '${type}'`);
  const [gamma = 0, coef0 = 0, degree = 0] = attrs.floats('kernel_params', []);
  return { type, gamma, coef0, degree };
}

export const LINEAR_KERNEL: SvmKernel = { type: 'LINEAR', gamma: 0, coef0: 0, degree: 0 };

/**
 * [rows, count] kernel values of each row of `x` ([rows, features]) against each of `count`
 * vectors in `vectors`; `constant` is the c of the LINEAR kernel.
 */
export function kernelValues(kernel: SvmKernel, x: Float64Array, rows: number, vectors: readonly number[], count: number, features: number, constant = 0): Float64Array {
  const out = new Float64Array(rows * count);
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < count; v++) {
      let sum = 0;
      for (let f = 0; f < features; f++) {
        const a = x[r * features + f];
        const b = vectors[v * features + f];
        sum += kernel.type === 'RBF' ? (a - b) * (a - b) : a * b;
      }
      switch (kernel.type) {
        case 'LINEAR': sum += constant; break;
        case 'POLY': sum = (kernel.gamma * sum + kernel.coef0) ** kernel.degree; break;
        case 'RBF': sum = Math.exp(-kernel.gamma * sum); break;
        case 'SIGMOID': sum = Math.tanh(kernel.gamma * sum + kernel.coef0); break;
      }
      out[r * count + v] = sum;
    }
  }
  return out;
}
