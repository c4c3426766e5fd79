/** com.microsoft QLinearSigmoid and QLinearLeakyRelu: y = quantize(f(dequantize(x))) by table. */
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { scaleInput, zeroPointInput } from '../quant/quant-params.js';
import { INT8_TYPES } from '../quant/quantized-types.js';
import { quantTarget } from '../quant/requantize.js';
import { tensorInput } from '../support/inputs.js';
import { applyLookupTable, lookupTable } from './lookup-table.js';

type RealFn = (x: number) => number;

function qlinearLookup(opType: string, parse: (attrs: AttributeReader) => RealFn): KernelDefinition {
  return kernel<RealFn>({
    domain: 'com.microsoft',
    opType,
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: INT8_TYPES }],
    parseAttributes: parse,
    run(inputs, fn) {
      const x = tensorInput(inputs, 0, 'X');
      const target = quantTarget(x.type, zeroPointInput(inputs, 4, 'Y_zero_point', x.type));
      const table = lookupTable(
        scaleInput(inputs, 1, 'X_scale'), zeroPointInput(inputs, 2, 'X_zero_point', x.type), scaleInput(inputs, 3, 'Y_scale'), target, fn,
      );
      return [applyLookupTable(x, table)];
    },
  });
}

const sigmoid: RealFn = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const qlinearLookupKernels: KernelDefinition[] = [
  qlinearLookup('QLinearSigmoid', () => sigmoid),
  qlinearLookup('QLinearLeakyRelu', (attrs) => {
    const alpha = Math.fround(attrs.float('alpha', 0.01));
    return (x) => (x >= 0 ? x : alpha * x);
  }),
];
