/**
 * The elementwise ai.onnx.ml preprocessors: Binarizer (x > threshold, keeping the type), Scaler
 * ((x - offset) * scale, to float) and Imputer (replace one value, NaN included, per feature).
 * Per-feature parameters run along the last axis and may instead be a single value.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { mapUnary } from '../support/elementwise.js';
import { computeBuffer, computeValues, isBigIntArray } from '../support/numeric.js';
import { ESTIMATOR_INPUT_TYPES } from './feature-rows.js';

/** `values` indexed per feature (last axis), checked to be one value or one per feature. */
function perFeature(values: readonly number[], x: DenseTensor, what: string): (i: number) => number {
  const features = x.rank === 0 ? 1 : x.dims[x.rank - 1];
  if (values.length === 1) return () => values[0];
  if (values.length !== features) throw new KernelInputError(`${what} has ${values.length} values for ${features} features`);
  return (i) => values[i % features];
}

export const binarizerKernel = kernel<number>({
  domain: 'ai.onnx.ml',
  opType: 'Binarizer',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
  parseAttributes: (attrs) => attrs.float('threshold', 0),
  run: (inputs, threshold) => [
    mapUnary(tensorInput(inputs, 0, 'X'), { float: (x: number) => (x > threshold ? 1 : 0), bigint: (x: bigint) => (Number(x) > threshold ? 1n : 0n) }),
  ],
});

export const scalerKernel = kernel<{ offset: readonly number[]; scale: readonly number[] }>({
  domain: 'ai.onnx.ml',
  opType: 'Scaler',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
  parseAttributes: (attrs) => ({ offset: attrs.floats('offset', [0]), scale: attrs.floats('scale', [1]) }),
  run(inputs, attrs) {
    const x = tensorInput(inputs, 0, 'X');
    const offset = perFeature(attrs.offset, x, 'offset');
    const scale = perFeature(attrs.scale, x, 'scale');
    const values = computeValues(x);
    const out = new Float32Array(values.length);
    for (let i = 0; i < out.length; i++) out[i] = (Number(values[i]) - offset(i)) * scale(i);
    return [new DenseTensor('float32', x.dims, out)];
  },
});

interface ImputerAttributes {
  readonly floats: readonly number[] | undefined;
  readonly ints: readonly number[] | undefined;
  readonly replacedFloat: number;
  readonly replacedInt: number;
}

export const imputerKernel = kernel<ImputerAttributes>({
  domain: 'ai.onnx.ml',
  opType: 'Imputer',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
  parseAttributes(attrs) {
    const floats = attrs.floats('imputed_value_floats');
    const ints = attrs.ints('imputed_value_int64s');
    if ((floats === undefined || floats.length === 0) === (ints === undefined || ints.length === 0)) {
      throw new KernelInputError('exactly one of imputed_value_floats and imputed_value_int64s must be given');
    }
    return { floats, ints, replacedFloat: attrs.float('replaced_value_float', 0), replacedInt: attrs.int('replaced_value_int64', 0) };
  },
  run(inputs, attrs) {
    const x = tensorInput(inputs, 0, 'X');
    const isFloat = x.type === 'float32' || x.type === 'float64';
    const imputed = isFloat ? attrs.floats : attrs.ints;
    if (!imputed) throw new KernelInputError(`X is ${x.type} but only imputed_value_${isFloat ? 'int64s' : 'floats'} is given`);
    const value = perFeature(imputed, x, isFloat ? 'imputed_value_floats' : 'imputed_value_int64s');
    const replaced = isFloat ? attrs.replacedFloat : attrs.replacedInt;
    const matches = Number.isNaN(replaced) ? Number.isNaN : (v: number) => v === replaced;
    const input = computeValues(x);
    const out = computeBuffer(x.type, input.length);
    const slots = out as unknown as (number | bigint)[];
    const big = isBigIntArray(out);
    for (let i = 0; i < input.length; i++) {
      if (matches(Number(input[i]))) slots[i] = big ? BigInt(value(i)) : value(i);
      else slots[i] = input[i];
    }
    return [new DenseTensor(x.type, x.dims, out)];
  },
});
