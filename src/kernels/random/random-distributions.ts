/**
 * RandomNormal and RandomUniform (shape from the `shape` attribute) and their *Like forms
 * (shape, and by default type, from the input). Opset 22 only widened the types to bfloat16,
 * so one definition per op serves every opset.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { tensorFromCompute } from '../support/numeric.js';
import { generatedDims, outputType, RANDOM_FLOAT_TYPES } from './random-output.js';
import { RandomSource } from './random-source.js';

interface Distribution {
  /** One value from the stream. */
  readonly draw: (source: RandomSource) => number;
  readonly seed: number | undefined;
}

interface ShapedAttributes extends Distribution {
  readonly dtype: DataType;
  readonly dims: readonly number[];
}

interface LikeAttributes extends Distribution {
  readonly dtype: number | undefined;
}

function generate(type: DataType, dims: readonly number[], { draw, seed }: Distribution): DenseTensor {
  const source = new RandomSource(seed);
  const values = type === 'float64' ? new Float64Array(sizeOf(dims)) : new Float32Array(sizeOf(dims));
  for (let i = 0; i < values.length; i++) values[i] = draw(source);
  return tensorFromCompute(type, dims, values);
}

const DISTRIBUTIONS: Record<'Normal' | 'Uniform', (attrs: AttributeReader) => Distribution> = {
  Normal(attrs) {
    const mean = attrs.float('mean', 0);
    const scale = attrs.float('scale', 1);
    return { draw: (s) => mean + scale * s.normal(), seed: attrs.float('seed') };
  },
  Uniform(attrs) {
    const low = attrs.float('low', 0);
    const high = attrs.float('high', 1);
    if (!(low <= high)) throw new KernelInputError(`low (${low}) must not exceed high (${high})`);
    return { draw: (s) => low + (high - low) * s.uniform(), seed: attrs.float('seed') };
  },
};

function shaped(name: 'Normal' | 'Uniform'): KernelDefinition {
  return kernel<ShapedAttributes>({
    domain: '',
    opType: `Random${name}`,
    sinceVersion: 1,
    parseAttributes: (attrs) => ({
      ...DISTRIBUTIONS[name](attrs),
      dtype: outputType(attrs.int('dtype'), RANDOM_FLOAT_TYPES, 'float32'),
      dims: generatedDims(attrs.requiredInts('shape'), 'shape'),
    }),
    run: (_inputs, attrs) => [generate(attrs.dtype, attrs.dims, attrs)],
  });
}

function like(name: 'Normal' | 'Uniform'): KernelDefinition {
  return kernel<LikeAttributes>({
    domain: '',
    opType: `Random${name}Like`,
    sinceVersion: 1,
    parseAttributes: (attrs) => ({ ...DISTRIBUTIONS[name](attrs), dtype: attrs.int('dtype') }),
    run(inputs, attrs) {
      const input = tensorInput(inputs, 0, 'input');
      // Without dtype the output takes the input's type, which must then be a float type.
      const type = outputType(attrs.dtype, RANDOM_FLOAT_TYPES, input.type);
      if (!RANDOM_FLOAT_TYPES.includes(type)) throw new KernelInputError(`the output would be ${type}; give a float dtype`);
      return [generate(type, generatedDims(input.dims, 'input shape'), attrs)];
    },
  });
}

export const distributionKernels: KernelDefinition[] = [shaped('Normal'), shaped('Uniform'), like('Normal'), like('Uniform')];
