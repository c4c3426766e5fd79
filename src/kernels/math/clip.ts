/**
 * Clip: min(max(x, lo), hi), so lo > hi gives hi everywhere (as opset 13 spells out). The
 * bounds are attributes before opset 11 and optional scalar inputs after; a bound not given
 * means no bound on that side. NaN inputs stay NaN.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, NUMERIC_TYPES } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { mapUnary } from '../support/elementwise.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { clipLoop } from './float-unary-loops.js';

type Value = number | bigint;
type Bound = Value | undefined;

function clip(x: DenseTensor, lo: Bound, hi: Bound): DenseTensor {
  let fn: (v: Value) => Value;
  if (lo !== undefined && hi !== undefined) {
    fn = (v) => {
      const r = v < lo ? lo : v;
      return r > hi ? hi : r;
    };
  } else if (lo !== undefined) {
    fn = (v) => (v < lo ? lo : v);
  } else if (hi !== undefined) {
    fn = (v) => (v > hi ? hi : v);
  } else {
    return x;
  }
  const float32Loop = typeof lo !== 'bigint' && typeof hi !== 'bigint' ? clipLoop(lo ?? -Infinity, hi ?? Infinity) : undefined;
  return mapUnary(x, { float: fn, float32Loop });
}

function boundInput(x: DenseTensor, bound: DenseTensor | undefined, name: string): Bound {
  if (bound === undefined) return undefined;
  if (bound.type !== x.type) throw new KernelInputError(`${name} is ${bound.type} but input is ${x.type}; they must have one type`);
  if (bound.size !== 1) throw new KernelInputError(`${name} must be a scalar, got shape ${formatShape(bound.dims)}`);
  return computeValues(bound)[0];
}

export const clipKernels: KernelDefinition[] = [
  kernel({
    domain: '',
    opType: 'Clip',
    sinceVersion: 11,
    typeConstraints: [0, 1, 2].map((input) => ({ input, types: NUMERIC_TYPES })),
    run(inputs) {
      const x = tensorInput(inputs, 0, 'input');
      const lo = boundInput(x, optionalTensorInput(inputs, 1, 'min'), 'min');
      const hi = boundInput(x, optionalTensorInput(inputs, 2, 'max'), 'max');
      return [clip(x, lo, hi)];
    },
  }),
  kernel<{ lo: Bound; hi: Bound }>({
    domain: '',
    opType: 'Clip',
    sinceVersion: 1,
    untilVersion: 10,
    typeConstraints: [{ input: 0, types: FLOAT_TYPES }],
    parseAttributes: (attrs) => ({ lo: attrs.float('min'), hi: attrs.float('max') }),
    run: (inputs, { lo, hi }) => [clip(tensorInput(inputs, 0, 'input'), lo, hi)],
  }),
];
