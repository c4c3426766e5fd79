/** Registration of an elementwise unary op: one kernel body over every opset version given. */
import type { DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { mapUnary, type ElementFns, type UnaryFn } from '../support/elementwise.js';
import { tensorInput } from '../support/inputs.js';

export function unaryOp<A = undefined>(
  opType: string,
  types: readonly DataType[],
  fns: (attrs: A) => ElementFns<UnaryFn>,
  options: { parse?: (attrs: AttributeReader) => A; since?: number; outType?: DataType } = {},
): KernelDefinition {
  return kernel<ElementFns<UnaryFn>>({
    domain: '',
    opType,
    sinceVersion: options.since ?? 1,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: (attrs) => fns(options.parse ? options.parse(attrs) : (undefined as A)),
    run(inputs, elementFns) {
      const x = tensorInput(inputs, 0, 'X');
      return [mapUnary(x, elementFns, options.outType ?? x.type)];
    },
  });
}
