/** Optional values: Optional (15+), OptionalHasElement and OptionalGetElement (15, 18+). */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { OptionalValue, type Value } from '../../tensor/value.js';
import { kernel } from '../kernel.js';

function hasElement(v: Value | undefined): boolean {
  if (v === undefined) return false;
  return v.kind === 'optional' ? v.value !== null : true;
}

export const optionalOpKernels = [
  kernel({
    domain: '', opType: 'Optional', sinceVersion: 15,
    run: (inputs) => [new OptionalValue(inputs[0] ?? null)],
  }),
  kernel({
    domain: '', opType: 'OptionalHasElement', sinceVersion: 15,
    run: (inputs) => [new DenseTensor('bool', [], new Uint8Array([hasElement(inputs[0]) ? 1 : 0]))],
  }),
  kernel({
    domain: '', opType: 'OptionalGetElement', sinceVersion: 15,
    run(inputs) {
      const v = inputs[0];
      if (v === undefined) throw new KernelInputError('input is required');
      if (v.kind !== 'optional') return [v];
      if (v.value === null) throw new KernelInputError('the optional input is empty: it has no element to get');
      return [v.value];
    },
  }),
];
