/**
 * Tile repeats the whole tensor `repeats[i]` times along each axis i. Each axis becomes a
 * (repeat, dim) pair of view axes with strides (0, stride), so one strided copy does it and
 * every contiguous run of the input is a block copy. Opsets 1-5 tiled a single axis given as
 * inputs (tiles, axis); 6+ take a repeats vector.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { stridesOf } from '../../tensor/shape.js';
import { kernel, type KernelContext, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, scalarOf, tensorInput } from '../support/inputs.js';
import { checkedDims, vectorInput } from '../support/shape-input.js';
import { gatherStrided } from './strided-copy.js';

function tile(data: DenseTensor, repeats: readonly number[], context: KernelContext): DenseTensor {
  if (repeats.length !== data.rank) throw new KernelInputError(`repeats has ${repeats.length} values but the input has rank ${data.rank}`);
  repeats.forEach((r, i) => {
    if (!Number.isSafeInteger(r) || r < 0) throw new KernelInputError(`repeats[${i}] must be a non-negative integer, got ${r}`);
  });
  const outDims = checkedDims(data.dims.map((d, i) => d * repeats[i]), 'tiled shape');
  if (repeats.every((r) => r === 1)) return data;
  const inStrides = stridesOf(data.dims);
  const dims = data.dims.flatMap((d, i) => [repeats[i], d]);
  const strides = inStrides.flatMap((s) => [0, s]);
  return gatherStrided(data, { dims, strides, offset: 0 }, context).reshaped(outDims);
}

const tileAxis = kernel({
  domain: '',
  opType: 'Tile',
  sinceVersion: 1,
  untilVersion: 5,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int64'] }, { input: 2, types: ['int64'] }],
  run(inputs, _attributes, context) {
    const data = tensorInput(inputs, 0, 'input');
    const tiles = scalarOf(tensorInput(inputs, 1, 'tiles'), 'tiles');
    const axis = normalizeAxis(scalarOf(tensorInput(inputs, 2, 'axis'), 'axis'), data.rank);
    return [tile(data, data.dims.map((_, i) => (i === axis ? tiles : 1)), context)];
  },
});

const tileRepeats = kernel({
  domain: '',
  opType: 'Tile',
  sinceVersion: 6,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int64'] }],
  run: (inputs, _attributes, context) => [tile(tensorInput(inputs, 0, 'input'), vectorInput(tensorInput(inputs, 1, 'repeats'), 'repeats'), context)],
});

export const tileKernels: KernelDefinition[] = [tileAxis, tileRepeats];
