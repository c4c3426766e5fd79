/**
 * Multinomial: sample_size draws per batch row from the categorical distribution whose
 * unnormalised log-probabilities the row holds, as class indices.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { generatedDims, outputType, RANDOM_FLOAT_TYPES } from './random-output.js';
import { RandomSource } from './random-source.js';

interface MultinomialAttributes {
  readonly dtype: DataType;
  readonly sampleSize: number;
  readonly seed: number | undefined;
}

/** Cumulative probabilities of one row of logits (shifted by the max so exp cannot overflow). */
function cumulative(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const sums = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) sums[i] = total += Math.exp(logits[i] - max);
  return sums;
}

export const multinomialKernel = kernel<MultinomialAttributes>({
  domain: '',
  opType: 'Multinomial',
  sinceVersion: 7,
  typeConstraints: [{ input: 0, types: RANDOM_FLOAT_TYPES }],
  parseAttributes(attrs) {
    const sampleSize = attrs.int('sample_size', 1);
    if (sampleSize < 1) throw new KernelInputError(`sample_size must be positive, got ${sampleSize}`);
    return { dtype: outputType(attrs.int('dtype'), ['int32', 'int64'], 'int32'), sampleSize, seed: attrs.float('seed') };
  },
  run(inputs, { dtype, sampleSize, seed }) {
    const x = tensorInput(inputs, 0, 'input');
    if (x.rank !== 2) throw new KernelInputError(`input must be [batch_size, class_size], got ${formatShape(x.dims)}`);
    const [batch, classes] = x.dims;
    const dims = generatedDims([batch, sampleSize], 'output shape');
    if (classes === 0 && batch > 0) throw new KernelInputError('input has no classes to sample from');
    const logits = computeValues(x) as Float32Array | Float64Array;
    const source = new RandomSource(seed);
    const picks = new Int32Array(batch * sampleSize);
    for (let b = 0; b < batch; b++) {
      const sums = cumulative(logits.subarray(b * classes, (b + 1) * classes));
      const total = sums[classes - 1];
      if (!(total > 0 && Number.isFinite(total))) throw new KernelInputError(`row ${b} of input is not a distribution (its logits are NaN or all -infinity)`);
      for (let s = 0; s < sampleSize; s++) {
        const u = source.uniform() * total;
        // First class whose cumulative mass exceeds u.
        let lo = 0;
        let hi = classes - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (sums[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        picks[b * sampleSize + s] = lo;
      }
    }
    return [dtype === 'int64' ? new DenseTensor('int64', dims, BigInt64Array.from(picks, BigInt)) : new DenseTensor('int32', dims, picks)];
  },
});
