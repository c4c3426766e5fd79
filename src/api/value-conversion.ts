/**
 * Public values <-> runtime values. Tensors share storage both ways except sub-byte types,
 * which are packed in public tensors and unpacked inside. Sequences are arrays of Tensors, an
 * absent optional is null, a map is a Map.
 */
import { InvalidFeedError } from '../errors/errors.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import type { DataType, TensorStorage } from '../tensor/element-type.js';
import { elementsPerByte, packSubByte, unpackSubByte } from '../tensor/numeric/sub-byte.js';
import { MapValue, OptionalValue, SequenceValue, type MapKey, type Value } from '../tensor/value.js';
import { Tensor } from './tensor.js';

export type PublicValue = Tensor | PublicValue[] | null | Map<string | number | bigint, PublicValue>;

export function denseFromPublic(tensor: Tensor): DenseTensor {
  const type = tensor.type as DataType;
  let data = tensor.data as TensorStorage;
  if (elementsPerByte(type) > 1 && data.length !== tensor.size) {
    data = unpackSubByte(type, data as Uint8Array, tensor.size);
  } else if (type === 'int4' || type === 'int2') {
    // Unpacked signed sub-byte data may arrive as any small ints: keep them as Int8 values.
    data = Int8Array.from(data as Int8Array);
  }
  return new DenseTensor(type, tensor.dims, data);
}

export function publicFromDense(tensor: DenseTensor): Tensor {
  const type = tensor.type as Tensor.Type;
  if (tensor.type === 'complex64' || tensor.type === 'complex128') {
    throw new InvalidFeedError(`complex tensors (${tensor.type}) cannot cross the public API yet`);
  }
  if (elementsPerByte(tensor.type) > 1) {
    const packed = packSubByte(tensor.type, tensor.data as Uint8Array);
    const data = tensor.type === 'int4' || tensor.type === 'int2' ? new Int8Array(packed.buffer) : packed;
    return new Tensor(type, data as never, tensor.dims);
  }
  return new Tensor(type, tensor.data as never, tensor.dims);
}

export function valueFromPublic(value: unknown, what: string): Value {
  if (value instanceof Tensor) return denseFromPublic(value);
  if (value === null) return new OptionalValue(null);
  if (Array.isArray(value)) return new SequenceValue(value.map((v, i) => valueFromPublic(v, `${what}[${i}]`)));
  if (value instanceof Map) {
    const entries = new Map<MapKey, Value>();
    let keyType: DataType = 'string';
    for (const [k, v] of value) {
      if (typeof k === 'string') entries.set(k, valueFromPublic(v, `${what}.get(${k})`));
      else {
        keyType = 'int64';
        entries.set(BigInt(k as number), valueFromPublic(v, `${what}.get(${String(k)})`));
      }
    }
    return new MapValue(keyType, entries);
  }
  throw new InvalidFeedError(
    `${what} must be a Tensor (or, for sequence/optional/map inputs, an array, null or a Map), got ${describeJs(value)}`,
  );
}

export function publicFromValue(value: Value): PublicValue {
  switch (value.kind) {
    case 'tensor':
      return publicFromDense(value);
    case 'sequence':
      return value.elements.map(publicFromValue);
    case 'optional':
      return value.value === null ? null : publicFromValue(value.value);
    case 'map': {
      const out = new Map<string | bigint, PublicValue>();
      for (const [k, v] of value.entries) out.set(k, publicFromValue(v));
      return out;
    }
  }
}

export function describeJs(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}
