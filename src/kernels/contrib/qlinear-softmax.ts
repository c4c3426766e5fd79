/**
 * com.microsoft QLinearSoftmax: softmax of a dequantized 8-bit tensor, requantized. The
 * attribute `opset` picks the float op it stands for: up to 12 the input is coerced to 2-D at
 * `axis`, from 13 softmax runs along `axis`; the schema defaults `axis` to -1 for both (not 1
 * as Softmax-1..12 does), and onnxruntime goes by the schema. The arithmetic follows
 * onnxruntime's kernel (the only implementation of this op) so results agree code for code:
 * exponentials are float32, offset so the largest lands near FLT_MAX / length (the zero point
 * cancels out), summed in float32, and scaled by floor(1 / y_scale).
 */
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { mapLanes, type LaneFn } from '../normalization/axis-lanes.js';
import { scaleInput, zeroPointInput } from '../quant/quant-params.js';
import { INT8_TYPES, saturateRound } from '../quant/quantized-types.js';
import { quantTarget, type QuantTarget } from '../quant/requantize.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { FLOAT32_MAX } from '../../tensor/element-type.js';

interface SoftmaxAttributes {
  readonly axis: number;
  readonly coerced2d: boolean;
}

/** Headroom (in e-folds) onnxruntime leaves below FLOAT32_MAX / length so the sum cannot overflow. */
const HEADROOM = 5;

function softmaxLane(xScale: number, length: number, yScale: number, target: QuantTarget): LaneFn {
  const shift = Math.max(0, Math.log(Math.fround(FLOAT32_MAX / length)) - HEADROOM) / xScale;
  const yFactor = Math.floor(Math.fround(1 / yScale));
  const { zeroPoint, min, max } = target;
  return (x, y, base, count, step, exps) => {
    let xMax = -Infinity;
    for (let i = 0, at = base; i < count; i++, at += step) if (x[at] > xMax) xMax = x[at];
    let sum = 0;
    for (let i = 0, at = base; i < count; i++, at += step) {
      exps[i] = Math.fround(Math.exp((x[at] - xMax + shift) * xScale));
      sum = Math.fround(sum + exps[i]);
    }
    for (let i = 0, at = base; i < count; i++, at += step) {
      y[at] = saturateRound(Math.fround(Math.fround(exps[i] * yFactor) / sum), zeroPoint, min, max);
    }
  };
}

export const qlinearSoftmaxKernels: KernelDefinition[] = [
  kernel<SoftmaxAttributes>({
    domain: 'com.microsoft',
    opType: 'QLinearSoftmax',
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: INT8_TYPES }],
    parseAttributes: (attrs) => ({ axis: attrs.int('axis', -1), coerced2d: attrs.requiredInt('opset') < 13 }),
    run(inputs, { axis, coerced2d }) {
      const x = tensorInput(inputs, 0, 'X');
      const a = normalizeAxis(axis, x.rank);
      const outer = sizeOf(x.dims.slice(0, a));
      const length = coerced2d ? sizeOf(x.dims.slice(a)) : x.rank === 0 ? 1 : x.dims[a];
      const target = quantTarget(x.type, zeroPointInput(inputs, 4, 'y_zero_point', x.type));
      const lane = softmaxLane(scaleInput(inputs, 1, 'X_scale'), length, scaleInput(inputs, 3, 'y_scale'), target);
      return [mapLanes(x, outer, length, lane)];
    },
  }),
];
