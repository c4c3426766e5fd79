/** The element types of these contrib ops (those onnxruntime's CPU provider runs them in), and checks on them. */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT32_MAX, type DataType } from '../../tensor/element-type.js';
import type { KernelInputs } from '../kernel.js';
import { optionalTensorInput, requireSameType } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';

export const HALF_AND_SINGLE: readonly DataType[] = ['float32', 'float16'];

/** Ops whose CPU kernels (or function bodies) also accept doubles. */
export const HALF_SINGLE_DOUBLE: readonly DataType[] = ['float32', 'float16', 'float64'];

export const MS_DOMAIN = 'com.microsoft';

/**
 * A float16 tensor decoded to float32, so that an op built from other kernels (a product,
 * then a scale or an activation) rounds to float16 once, at its output.
 */
export function widenHalf(t: DenseTensor): DenseTensor {
  return t.type === 'float16' ? new DenseTensor('float32', t.dims, computeValues(t)) : t;
}

/** Checks that each given input among `named` ([index, name]) has the reference's type. */
export function requireTypeOf(reference: DenseTensor, referenceName: string, inputs: KernelInputs, named: readonly (readonly [number, string])[]): void {
  for (const [index, name] of named) {
    const t = optionalTensorInput(inputs, index, name);
    if (t) requireSameType(reference, t, `${referenceName} and ${name}`);
  }
}

/** The most negative finite value of a float type, which onnxruntime uses for "never attend". */
export function lowestOf(type: DataType): number {
  return type === 'float16' ? -65504 : type === 'float32' ? -FLOAT32_MAX : -Number.MAX_VALUE;
}
