/** Registration of an elementwise unary op: one kernel body over every opset version given. */
import type { DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition, type PlanTimeContext } from '../kernel.js';
import { mapUnary, type UnaryFns } from '../support/elementwise.js';
import { tensorInput } from '../support/inputs.js';

interface UnaryOptions {
  readonly since?: number;
  readonly outType?: DataType;
}

/** An op whose element functions take no attributes. */
export function unaryOp(opType: string, types: readonly DataType[], fns: UnaryFns, options: UnaryOptions = {}): KernelDefinition {
  return unaryOpWith(opType, types, () => undefined, () => fns, options);
}

/** An op whose element functions are built once, at plan time, from the parsed attributes. */
export function unaryOpWith<A>(
  opType: string,
  types: readonly DataType[],
  parse: (attrs: AttributeReader, context: PlanTimeContext) => A,
  fns: (attrs: A) => UnaryFns,
  options: UnaryOptions = {},
): KernelDefinition {
  return kernel<UnaryFns>({
    domain: '',
    opType,
    sinceVersion: options.since ?? 1,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: (attrs, context) => fns(parse(attrs, context)),
    run(inputs, elementFns, context) {
      const x = tensorInput(inputs, 0, 'X');
      return [mapUnary(x, elementFns, options.outType ?? x.type, context)];
    },
  });
}

/**
 * The int64/uint64 form of a real function: computed in double precision and truncated
 * toward zero, as a cast of the float result would (non-finite results become 0).
 */
export function viaNumber(fn: (x: number) => number): (x: bigint) => bigint {
  return (x) => {
    const r = Math.trunc(fn(Number(x)));
    return Number.isFinite(r) ? BigInt(r) : 0n;
  };
}
