/**
 * JSON tensors: a nested array of values (dims inferred; element type from the caller, usually
 * the model input's declared type) or {"type": "float32", "dims": [2, 2], "data": [...]}.
 * JSON lacks NaN and infinities and exact 64-bit integers, so floats also accept the strings
 * "NaN", "Infinity" and "-Infinity", and int64/uint64 accept decimal strings.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, isDataType, type DataType, type TensorStorage } from '../../tensor/element-type.js';
import { numberToBfloat16Bits } from '../../tensor/numeric/bfloat16.js';
import { numberToFloat16Bits } from '../../tensor/numeric/float16.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { TensorFileError } from './tensor-file-error.js';

const INT_RANGES: Partial<Record<DataType, readonly [bigint, bigint]>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n], int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 2n ** 8n - 1n], uint16: [0n, 2n ** 16n - 1n], uint32: [0n, 2n ** 32n - 1n], uint64: [0n, 2n ** 64n - 1n],
};
const FLOAT_ENCODERS: Partial<Record<DataType, (v: number) => number>> = {
  float32: (v) => v, float64: (v) => v, float16: numberToFloat16Bits, bfloat16: numberToBfloat16Bits,
};
const SPECIAL_FLOATS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

const JSON_TENSOR_TYPES: readonly DataType[] = [...Object.keys(FLOAT_ENCODERS), ...Object.keys(INT_RANGES), 'bool', 'string'] as DataType[];

interface Flat {
  readonly dims: number[];
  readonly leaves: unknown[];
}

function flatten(value: unknown, file: string, where: string): Flat {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    dims.push(v.length);
    if (v.length === 0) break;
  }
  const leaves: unknown[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw new TensorFileError(file, 'ragged', `ragged nested array: ${where}${path} is an array, but the values beside it are not`);
      leaves.push(v);
      return;
    }
    if (!Array.isArray(v)) {
      throw new TensorFileError(file, 'ragged', `ragged nested array: ${where}${path} is ${JSON.stringify(v)}, where an array of ${dims[depth]} was expected`);
    }
    if (v.length !== dims[depth]) {
      throw new TensorFileError(file, 'ragged', `ragged nested array: ${where}${path} has length ${v.length}, where ${dims[depth]} was expected`);
    }
    v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return { dims, leaves };
}

function inferredType(leaves: readonly unknown[]): DataType {
  if (leaves.length > 0 && leaves.every((v) => typeof v === 'boolean')) return 'bool';
  if (leaves.length > 0 && leaves.every((v) => typeof v === 'string')) return 'string';
  return 'float32';
}

function convertLeaves(type: DataType, { dims, leaves }: Flat, file: string): TensorStorage {
  const data = allocateStorage(type, leaves.length) as unknown[];
  const strides = stridesOf(dims);
  const bad = (i: number, why: string): TensorFileError => {
    const index = strides.map((s, axis) => Math.floor(i / s) % dims[axis]);
    return new TensorFileError(file, 'bad-value', `the value at [${index.join(',')}], ${JSON.stringify(leaves[i])}, ${why}`);
  };
  const floatEncode = FLOAT_ENCODERS[type];
  const range = INT_RANGES[type];
  leaves.forEach((v, i) => {
    if (type === 'string') {
      if (typeof v !== 'string') throw bad(i, 'is not a string');
      data[i] = v;
    } else if (type === 'bool') {
      if (v !== true && v !== false && v !== 0 && v !== 1) throw bad(i, 'is not a bool (true, false, 0 or 1)');
      data[i] = Number(v);
    } else if (floatEncode) {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? SPECIAL_FLOATS[v] : undefined;
      if (n === undefined) throw bad(i, `is not a valid ${type} value (a number, "NaN", "Infinity" or "-Infinity")`);
      data[i] = floatEncode(n);
    } else if (range) {
      const big = typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v)
        : typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : undefined;
      if (big === undefined) throw bad(i, `is not a valid ${type} value (an integer${type.endsWith('64') ? ', or a decimal string' : ''})`);
      if (big < range[0] || big > range[1]) throw bad(i, `is outside the ${type} range [${range[0]}, ${range[1]}]`);
      data[i] = type === 'int64' || type === 'uint64' ? big : Number(big);
    }
  });
  return data as TensorStorage;
}

function checkedType(type: unknown, file: string): DataType {
  if (typeof type !== 'string' || !isDataType(type)) {
    throw new TensorFileError(file, 'bad-json', `"type" is ${JSON.stringify(type)}, not an element type (${JSON_TENSOR_TYPES.join(', ')})`);
  }
  return type;
}

function checkedDims(dims: unknown, file: string): number[] {
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TensorFileError(file, 'bad-json', `"dims" is ${JSON.stringify(dims)}, not an array of non-negative integers`);
  }
  return dims;
}

/** `defaultType` types a nested array (float32, bool or string by its values when undefined). */
export function readJsonTensor(text: string, file: string, defaultType?: DataType): DenseTensor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TensorFileError(file, 'bad-json', `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  let type: DataType;
  let flat: Flat;
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const object = parsed as Record<string, unknown>;
    const unknown = Object.keys(object).filter((k) => k !== 'type' && k !== 'dims' && k !== 'data');
    if (unknown.length > 0) throw new TensorFileError(file, 'bad-json', `unknown key '${unknown[0]}': a JSON tensor object has "type", "dims" and "data"`);
    if (!('data' in object)) throw new TensorFileError(file, 'bad-json', 'the JSON tensor object has no "data"');
    flat = flatten(object.data, file, 'data');
    type = object.type === undefined ? defaultType ?? inferredType(flat.leaves) : checkedType(object.type, file);
    if (object.dims !== undefined) {
      const dims = checkedDims(object.dims, file);
      if (sizeOf(dims) !== flat.leaves.length) {
        throw new TensorFileError(file, 'bad-value', `"data" has ${flat.leaves.length} values, but "dims" [${dims.join(',')}] need ${sizeOf(dims)}`);
      }
      flat = { dims, leaves: flat.leaves };
    }
  } else {
    flat = flatten(parsed, file, '');
    type = defaultType ?? inferredType(flat.leaves);
  }
  if (!JSON_TENSOR_TYPES.includes(type)) {
    throw new TensorFileError(file, 'unsupported-dtype', `${type} tensors cannot be given as JSON (supported: ${JSON_TENSOR_TYPES.join(', ')}); use .npy or .pb`);
  }
  return new DenseTensor(type, flat.dims, convertLeaves(type, flat, file));
}
