/**
 * LabelEncoder, a lookup table from keys to values with a default for misses.
 *  - ai.onnx.ml 1: strings <-> int64 through classes_strings (a string maps to its index, an
 *    index to its string).
 *  - 2: parallel keys_* / values_* lists of strings, int64s or floats, with default_*.
 *  - 4: also keys_tensor / values_tensor / default_tensor, which add int16, int32 and double.
 * Float keys match NaN inputs (a JavaScript Map treats NaN as equal to itself).
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, type DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { labelColumn, type LabelColumn } from './label-column.js';

type Scalar = string | number | bigint;

interface LabelTable {
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly table: ReadonlyMap<Scalar, Scalar>;
  readonly fallback: Scalar;
}

function encode(x: DenseTensor, { keyType, valueType, table, fallback }: LabelTable): DenseTensor {
  if (x.type !== keyType) throw new KernelInputError(`X is ${x.type} but the keys are ${keyType}`);
  const keys = x.data as unknown as ArrayLike<Scalar>;
  const out = allocateStorage(valueType, keys.length) as unknown as Scalar[];
  for (let i = 0; i < keys.length; i++) out[i] = table.get(keys[i]) ?? fallback;
  return new DenseTensor(valueType, x.dims, out as never);
}

function tableOf(keys: LabelColumn, values: LabelColumn, fallback: Scalar): LabelTable {
  if (keys.values.length !== values.values.length) {
    throw new KernelInputError(`keys have ${keys.values.length} entries but values have ${values.values.length}`);
  }
  // Later duplicates win, as the spec says.
  return { keyType: keys.type, valueType: values.type, table: new Map(keys.values.map((k, i) => [k, values.values[i]])), fallback };
}

function onlyOne(attrs: AttributeReader, prefix: 'keys' | 'values', withTensor: boolean): LabelColumn {
  const found = [labelColumn(attrs, `${prefix}_strings`), labelColumn(attrs, `${prefix}_int64s`), labelColumn(attrs, `${prefix}_floats`)];
  if (withTensor) found.push(labelColumn(attrs, `${prefix}_tensor`));
  const given = found.filter((c): c is LabelColumn => c !== undefined);
  if (given.length !== 1) throw new KernelInputError(`exactly one ${prefix}_* attribute must be given, got ${given.length}`);
  return given[0];
}

/** The default_* attribute for the value type, or the spec's default for that type. */
function defaultFor(attrs: AttributeReader, type: DataType, withTensor: boolean): Scalar {
  const tensor = withTensor ? attrs.tensor('default_tensor') : undefined;
  if (tensor) {
    if (tensor.type !== type || tensor.size !== 1) throw new KernelInputError(`default_tensor must hold one ${type} value, got ${tensor.describe()}`);
    return (tensor.data as unknown as ArrayLike<Scalar>)[0];
  }
  if (type === 'string') return attrs.string('default_string', '_Unused');
  if (type === 'float32') return attrs.float('default_float', -0);
  if (type === 'float64') return -0;
  const int = attrs.int('default_int64', -1);
  return type === 'int64' ? BigInt(int) : int;
}

const KEY_TYPES_2: readonly DataType[] = ['string', 'int64', 'float32'];
const KEY_TYPES_4: readonly DataType[] = [...KEY_TYPES_2, 'int32', 'int16', 'float64'];

function mappedEncoder(sinceVersion: number, untilVersion: number | undefined, withTensor: boolean): KernelDefinition {
  return kernel<LabelTable>({
    domain: 'ai.onnx.ml',
    opType: 'LabelEncoder',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: withTensor ? KEY_TYPES_4 : KEY_TYPES_2 }],
    parseAttributes(attrs) {
      const keys = onlyOne(attrs, 'keys', withTensor);
      const values = onlyOne(attrs, 'values', withTensor);
      return tableOf(keys, values, defaultFor(attrs, values.type, withTensor));
    },
    run: (inputs, table) => [encode(tensorInput(inputs, 0, 'X'), table)],
  });
}

/** Opset 1: one class list serves both directions; the input type picks which. */
const classListEncoder = kernel<{ classes: readonly string[]; defaultInt: bigint; defaultString: string }>({
  domain: 'ai.onnx.ml',
  opType: 'LabelEncoder',
  sinceVersion: 1,
  untilVersion: 1,
  typeConstraints: [{ input: 0, types: ['string', 'int64'] }],
  parseAttributes: (attrs) => ({
    classes: attrs.strings('classes_strings', []),
    defaultInt: BigInt(attrs.int('default_int64', -1)),
    defaultString: attrs.string('default_string', '_Unused'),
  }),
  run(inputs, { classes, defaultInt, defaultString }) {
    const x = tensorInput(inputs, 0, 'X');
    if (x.type === 'string') {
      const index = new Map<Scalar, Scalar>(classes.map((c, i) => [c, BigInt(i)]));
      return [encode(x, { keyType: 'string', valueType: 'int64', table: index, fallback: defaultInt })];
    }
    const byIndex = new Map<Scalar, Scalar>(classes.map((c, i) => [BigInt(i), c]));
    return [encode(x, { keyType: 'int64', valueType: 'string', table: byIndex, fallback: defaultString })];
  },
});

export const labelEncoderKernels: KernelDefinition[] = [classListEncoder, mappedEncoder(2, 3, false), mappedEncoder(4, undefined, true)];
