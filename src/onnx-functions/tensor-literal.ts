/**
 * Tensors written inline in the ONNX text syntax, `float[2] {1.5, -inf}` or `int64 {0}`: the
 * element type names the text uses, and the conversion of the written values into storage.
 */
import { DenseTensor } from '../tensor/dense-tensor.js';
import type { DataType } from '../tensor/element-type.js';
import { numberToBfloat16Bits } from '../tensor/numeric/bfloat16.js';
import { numberToFloat16Bits } from '../tensor/numeric/float16.js';

/** Element type names of the text syntax (TensorProto names in lower case). */
const ELEMENT_TYPES: ReadonlyMap<string, DataType> = new Map<string, DataType>([
  ['float', 'float32'],
  ['double', 'float64'],
  ['float16', 'float16'],
  ['bfloat16', 'bfloat16'],
  ['int8', 'int8'],
  ['int16', 'int16'],
  ['int32', 'int32'],
  ['int64', 'int64'],
  ['uint8', 'uint8'],
  ['uint16', 'uint16'],
  ['uint32', 'uint32'],
  ['uint64', 'uint64'],
  ['bool', 'bool'],
  ['string', 'string'],
]);

export function elementTypeNamed(name: string): DataType | undefined {
  return ELEMENT_TYPES.get(name);
}

/** One written element: the token text of a number (kept as text so int64 stays exact) or a string. */
export type LiteralElement = { readonly number: string } | { readonly string: string };

/** A number token's value, `inf`, `-inf` and `nan` included; NaN for text that is no number. */
export function numberFromText(text: string): number {
  if (/^[+-]?inf$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(text)) return NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
}

function numeric(e: LiteralElement): number {
  if (!('number' in e)) throw new TypeError(`expected a number, got the string "${e.string}"`);
  return numberFromText(e.number);
}

function integral(e: LiteralElement): bigint {
  if (!('number' in e) || !/^[+-]?\d+$/.test(e.number)) {
    throw new TypeError(`expected an integer, got ${'number' in e ? e.number : `"${e.string}"`}`);
  }
  return BigInt(e.number);
}

/** The tensor the literal describes; throws TypeError (the parser adds the position) when it cannot. */
export function tensorFromLiteral(type: DataType, dims: readonly number[], elements: readonly LiteralElement[]): DenseTensor {
  const count = dims.reduce((a, b) => a * b, 1);
  if (elements.length !== count) {
    throw new TypeError(`a tensor of shape [${dims.join(',')}] needs ${count} values, got ${elements.length}`);
  }
  switch (type) {
    case 'float32':
      return new DenseTensor(type, dims, Float32Array.from(elements, numeric));
    case 'float64':
      return new DenseTensor(type, dims, Float64Array.from(elements, numeric));
    case 'float16':
      return new DenseTensor(type, dims, Uint16Array.from(elements, (e) => numberToFloat16Bits(numeric(e))));
    case 'bfloat16':
      return new DenseTensor(type, dims, Uint16Array.from(elements, (e) => numberToBfloat16Bits(numeric(e))));
    case 'int64':
      return new DenseTensor(type, dims, BigInt64Array.from(elements, integral));
    case 'uint64':
      return new DenseTensor(type, dims, BigUint64Array.from(elements, integral));
    case 'int8':
      return new DenseTensor(type, dims, Int8Array.from(elements, (e) => Number(integral(e))));
    case 'int16':
      return new DenseTensor(type, dims, Int16Array.from(elements, (e) => Number(integral(e))));
    case 'int32':
      return new DenseTensor(type, dims, Int32Array.from(elements, (e) => Number(integral(e))));
    case 'uint8':
      return new DenseTensor(type, dims, Uint8Array.from(elements, (e) => Number(integral(e))));
    case 'uint16':
      return new DenseTensor(type, dims, Uint16Array.from(elements, (e) => Number(integral(e))));
    case 'uint32':
      return new DenseTensor(type, dims, Uint32Array.from(elements, (e) => Number(integral(e))));
    case 'bool':
      return new DenseTensor(type, dims, Uint8Array.from(elements, (e) => (integral(e) !== 0n ? 1 : 0)));
    case 'string':
      return new DenseTensor(type, dims, elements.map((e) => ('string' in e ? e.string : e.number)));
    default:
      throw new TypeError(`tensor literals of type ${type} are not supported`);
  }
}
