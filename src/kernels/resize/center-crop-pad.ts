/**
 * CenterCropPad (opset 18): each listed dim is cut or zero-padded to its target length around
 * the center. A crop starts at floor(excess / 2) and a pad puts the odd element on the right, so
 * both are an offset of trunc((input - target) / 2) from output to input index.
 */
import { KernelInputError } from '../../errors/errors.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { normalizeAxes } from '../support/axes.js';
import { checkedDims, vectorInput } from '../support/shape-input.js';
import { gatherIndexMaps } from './index-map-gather.js';
import { STANDARD_TYPES_WITH_BFLOAT16 } from './standard-types.js';

function centeredMap(inLength: number, outLength: number): Int32Array {
  const offset = Math.trunc((inLength - outLength) / 2);
  return Int32Array.from({ length: outLength }, (_, j) => {
    const i = j + offset;
    return i >= 0 && i < inLength ? i : -1;
  });
}

export const centerCropPadKernels: KernelDefinition[] = [
  kernel<{ axes: readonly number[] | undefined }>({
    domain: '',
    opType: 'CenterCropPad',
    sinceVersion: 18,
    typeConstraints: [{ input: 0, types: STANDARD_TYPES_WITH_BFLOAT16 }, { input: 1, types: ['int32', 'int64'] }],
    parseAttributes: (attrs) => ({ axes: attrs.ints('axes') }),
    run(inputs, attrs) {
      const x = tensorInput(inputs, 0, 'input_data');
      const shape = vectorInput(tensorInput(inputs, 1, 'shape'), 'shape');
      const axes = attrs.axes ? normalizeAxes(attrs.axes, x.rank, 'axes') : x.dims.map((_, d) => d);
      if (shape.length !== axes.length) {
        throw new KernelInputError(`shape has ${shape.length} values but ${attrs.axes ? `axes lists ${axes.length} dims` : `the input has rank ${x.rank}`}`);
      }
      const outDims = [...x.dims];
      axes.forEach((d, i) => {
        outDims[d] = shape[i];
      });
      checkedDims(outDims, 'the cropped or padded shape');
      return [gatherIndexMaps(x, outDims.map((length, d) => centeredMap(x.dims[d], length)), 0)];
    },
  }),
];
