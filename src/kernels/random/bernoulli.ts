/** Bernoulli: 1 with the probability the input gives, else 0, in `dtype` (default: the input's type). */
import { KernelInputError } from '../../errors/errors.js';
import { NUMERIC_TYPES, type DataType } from '../../tensor/element-type.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, isBigIntArray, tensorFromCompute } from '../support/numeric.js';
import { generatedDims, outputType, RANDOM_FLOAT_TYPES } from './random-output.js';
import { RandomSource } from './random-source.js';

const OUTPUT_TYPES: readonly DataType[] = [...NUMERIC_TYPES, 'bool'];

export const bernoulliKernel = kernel<{ dtype: number | undefined; seed: number | undefined }>({
  domain: '',
  opType: 'Bernoulli',
  sinceVersion: 15,
  typeConstraints: [{ input: 0, types: RANDOM_FLOAT_TYPES }],
  parseAttributes(attrs) {
    const dtype = attrs.int('dtype');
    // Checked now so a bad dtype fails at load; the default (the input's type) is known only per run.
    outputType(dtype, OUTPUT_TYPES, 'float32');
    return { dtype, seed: attrs.float('seed') };
  },
  run(inputs, { dtype, seed }) {
    const x = tensorInput(inputs, 0, 'input');
    const type = outputType(dtype, OUTPUT_TYPES, x.type);
    const dims = generatedDims(x.dims, 'input shape');
    const p = computeValues(x) as Float32Array | Float64Array;
    const out = computeBuffer(type, p.length);
    const slots = out as unknown as (number | bigint)[];
    const big = isBigIntArray(out);
    const source = new RandomSource(seed);
    for (let i = 0; i < p.length; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) throw new KernelInputError(`input[${i}] = ${p[i]} is not a probability in [0, 1]`);
      const hit = source.uniform() < p[i];
      slots[i] = big ? BigInt(hit) : Number(hit);
    }
    return [tensorFromCompute(type, dims, out)];
  },
});
