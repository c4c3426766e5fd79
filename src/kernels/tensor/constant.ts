/**
 * Constant: the output is fixed by exactly one attribute, read once at plan time. The forms
 * grew over opsets: `value` (1), `sparse_value` (11), the `value_*` shorthands (12).
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';

const FORMS = ['value', 'sparse_value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'value_string', 'value_strings'] as const;
type Form = (typeof FORMS)[number];

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * Int attributes reach kernels as the nearest double, so INT64_MAX arrives as 2^63; clamping
 * restores the extremes exactly instead of letting them wrap to the opposite sign.
 */
function toInt64(value: number): bigint {
  const big = BigInt(value);
  return big > INT64_MAX ? INT64_MAX : big < INT64_MIN ? INT64_MIN : big;
}

function tensorOfForm(attrs: AttributeReader, form: Form): DenseTensor {
  switch (form) {
    case 'value':
    case 'sparse_value':
      return attrs.tensor(form) as DenseTensor;
    case 'value_float':
      return new DenseTensor('float32', [], Float32Array.of(attrs.float(form, 0)));
    case 'value_floats': {
      const values = attrs.floats(form, []);
      return new DenseTensor('float32', [values.length], Float32Array.from(values));
    }
    case 'value_int':
      return new DenseTensor('int64', [], BigInt64Array.of(toInt64(attrs.int(form, 0))));
    case 'value_ints': {
      const values = attrs.ints(form, []);
      return new DenseTensor('int64', [values.length], BigInt64Array.from(values, toInt64));
    }
    case 'value_string':
      return new DenseTensor('string', [], [attrs.string(form, '')]);
    case 'value_strings': {
      const values = attrs.strings(form, []);
      return new DenseTensor('string', [values.length], [...values]);
    }
  }
}

function constantKernel(sinceVersion: number, untilVersion: number | undefined, allowed: readonly Form[]): KernelDefinition {
  return kernel<DenseTensor>({
    domain: '',
    opType: 'Constant',
    sinceVersion,
    untilVersion,
    parseAttributes(attrs, context) {
      const given = FORMS.filter((f) => attrs.has(f));
      if (given.length !== 1) {
        throw new KernelInputError(`exactly one of the attributes ${allowed.join(', ')} must be given, got ${given.length === 0 ? 'none' : given.join(', ')}`);
      }
      const form = given[0];
      if (!allowed.includes(form)) {
        throw new KernelInputError(`attribute '${form}' is not part of Constant at opset ${context.opset} (allowed: ${allowed.join(', ')})`);
      }
      return tensorOfForm(attrs, form);
    },
    // Every run hands out the same tensor: kernels never mutate their inputs, so sharing is safe.
    run: (_inputs, value) => [value],
  });
}

export const constantKernels: KernelDefinition[] = [
  constantKernel(1, 10, ['value']),
  constantKernel(11, 11, ['value', 'sparse_value']),
  constantKernel(12, undefined, FORMS),
];
