/**
 * DynamicQuantizeLinear: uint8 quantization with a scale and zero point chosen from the
 * input's range (widened to include 0), all in float32 arithmetic. DynamicQuantizeMatMul
 * quantizes its input the same way.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues, type NumberArray } from '../support/numeric.js';
import { saturateRound } from './quantized-types.js';

export interface DynamicQuantization {
  readonly data: Uint8Array;
  readonly scale: number;
  readonly zeroPoint: number;
}

export function dynamicQuantizeUint8(values: NumberArray): DynamicQuantization {
  let min = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  // The formula divides by zero for an all-zero input; onnxruntime then uses a scale of 1.
  const scale = max === min ? 1 : Math.fround(Math.fround(max - min) / 255);
  const zeroPoint = saturateRound(Math.fround(-Math.fround(min / scale)), 0, 0, 255);
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = saturateRound(Math.fround(values[i] / scale), zeroPoint, 0, 255);
  return { data, scale, zeroPoint };
}

const INPUT_TYPES: readonly DataType[] = ['float32'];

export const dynamicQuantizeLinearKernels: KernelDefinition[] = [
  kernel({
    domain: '',
    opType: 'DynamicQuantizeLinear',
    sinceVersion: 11,
    typeConstraints: [{ input: 0, types: INPUT_TYPES }],
    run(inputs) {
      const x = tensorInput(inputs, 0, 'x');
      const { data, scale, zeroPoint } = dynamicQuantizeUint8(computeValues(x) as NumberArray);
      return [
        new DenseTensor('uint8', x.dims, data),
        new DenseTensor('float32', [], Float32Array.of(scale)),
        new DenseTensor('uint8', [], Uint8Array.of(zeroPoint)),
      ];
    },
  }),
];
