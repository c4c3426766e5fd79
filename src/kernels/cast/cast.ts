/**
 * Cast (target type from the `to` attribute) and CastLike (target type from a second input).
 * Every opset version converts the same way, so one kernel serves each op: later versions
 * only add element types and the `saturate` (19+) and `round_mode` (24+) attributes, whose
 * defaults reproduce the earlier behaviour.
 */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_DATA_TYPES, dataTypeFromOnnx, isDataType, type DataType } from '../../tensor/element-type.js';
import type { E8M0Rounding } from '../../tensor/numeric/minifloat.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { castTensor, type CastOptions } from './convert.js';

const CASTABLE_TYPES: readonly DataType[] = ALL_DATA_TYPES.filter((t) => t !== 'complex64' && t !== 'complex128');
const ROUND_MODES: readonly E8M0Rounding[] = ['up', 'down', 'nearest'];

function parseOptions(attrs: AttributeReader): CastOptions {
  const roundMode = attrs.string('round_mode', 'up');
  if (!(ROUND_MODES as readonly string[]).includes(roundMode)) {
    throw new KernelInputError(`attribute 'round_mode' must be one of ${ROUND_MODES.join(', ')}, got '${roundMode}'`);
  }
  return { saturate: attrs.int('saturate', 1) !== 0, roundMode: roundMode as E8M0Rounding };
}

/** Cast-1 names the type as a string ("FLOAT"); later versions give the TensorProto code. */
function targetType(attrs: AttributeReader): DataType {
  const to = attrs.raw('to');
  if (to === undefined) throw new KernelInputError(`attribute 'to' is required but missing`);
  if (to.type === 'int') {
    const type = dataTypeFromOnnx(to.value);
    if (type === undefined || !CASTABLE_TYPES.includes(type)) {
      throw new KernelInputError(`attribute 'to' is ${to.value}, not a data type Cast supports`);
    }
    return type;
  }
  if (to.type === 'string') {
    const name = to.value.toUpperCase();
    const type = name === 'FLOAT' ? 'float32' : name === 'DOUBLE' ? 'float64' : name.toLowerCase();
    if (!isDataType(type) || !CASTABLE_TYPES.includes(type)) throw new KernelInputError(`attribute 'to' is '${to.value}', not a data type name`);
    return type;
  }
  throw new KernelInputError(`attribute 'to' must be int or string, got ${to.type}`);
}

const cast = kernel<CastOptions & { to: DataType }>({
  domain: '',
  opType: 'Cast',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: CASTABLE_TYPES }],
  parseAttributes: (attrs) => ({ ...parseOptions(attrs), to: targetType(attrs) }),
  run(inputs, attrs) {
    return [castTensor(tensorInput(inputs, 0, 'input'), attrs.to, attrs)];
  },
});

const castLike = kernel<CastOptions>({
  domain: '',
  opType: 'CastLike',
  sinceVersion: 15,
  typeConstraints: [{ input: 0, types: CASTABLE_TYPES }, { input: 1, types: CASTABLE_TYPES }],
  parseAttributes: parseOptions,
  run(inputs, options) {
    const target = tensorInput(inputs, 1, 'target_type');
    return [castTensor(tensorInput(inputs, 0, 'input'), target.type, options)];
  },
});

export const castOperatorKernels: KernelDefinition[] = [cast, castLike];
