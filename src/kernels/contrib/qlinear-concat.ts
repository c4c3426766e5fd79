/**
 * com.microsoft QLinearConcat: inputs (Y_scale, Y_zero_point, then a (tensor, scale, zero
 * point) triple per tensor) joined along `axis`, each tensor first requantized to Y's scale and
 * zero point (by table; a tensor already in Y's quantization is taken as it is).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { scaleInput, zeroPointInput } from '../quant/quant-params.js';
import { INT8_TYPES } from '../quant/quantized-types.js';
import { quantTarget } from '../quant/requantize.js';
import { tensorInput } from '../support/inputs.js';
import { concatTensors } from '../tensor/concat.js';
import { applyLookupTable, lookupTable } from './lookup-table.js';

const identity = (x: number): number => x;

export const qlinearConcatKernels: KernelDefinition[] = [
  kernel<number>({
    domain: 'com.microsoft',
    opType: 'QLinearConcat',
    sinceVersion: 1,
    typeConstraints: [{ input: 1, types: INT8_TYPES }],
    parseAttributes: (attrs) => attrs.requiredInt('axis'),
    run(inputs, axis) {
      if (inputs.length < 5 || (inputs.length - 2) % 3 !== 0) {
        throw new KernelInputError(`QLinearConcat takes Y_scale, Y_zero_point and (tensor, scale, zero point) triples; got ${inputs.length} inputs`);
      }
      const yZeroPoint = tensorInput(inputs, 1, 'Y_zero_point');
      const target = quantTarget(yZeroPoint.type, zeroPointInput(inputs, 1, 'Y_zero_point', yZeroPoint.type));
      const yScale = scaleInput(inputs, 0, 'Y_scale');
      const parts: DenseTensor[] = [];
      for (let first = 2; first < inputs.length; first += 3) {
        const what = `input ${first}`;
        const x = tensorInput(inputs, first, what);
        if (x.type !== target.type) throw new KernelInputError(`${what} is ${x.type} but Y_zero_point is ${target.type}`);
        const xScale = scaleInput(inputs, first + 1, `the scale of ${what}`);
        const xZero = zeroPointInput(inputs, first + 2, `the zero point of ${what}`, x.type);
        const same = xScale === yScale && xZero === target.zeroPoint;
        parts.push(same ? x : applyLookupTable(x, lookupTable(xScale, xZero, yScale, target, identity)));
      }
      return [concatTensors(parts, axis)];
    },
  }),
];
