/**
 * Packing for the sub-byte types. On the wire (and in onnxruntime-common's public tensors)
 * 4-bit types hold two elements per byte and 2-bit types four, lowest bits first; the runtime
 * keeps them one per byte.
 */
import type { DataType } from '../element-type.js';

export function elementsPerByte(type: DataType): number {
  if (type === 'int4' || type === 'uint4' || type === 'float4e2m1') return 2;
  if (type === 'int2' || type === 'uint2') return 4;
  return 1;
}

function isSigned(type: DataType): boolean {
  return type === 'int4' || type === 'int2';
}

export function unpackSubByte(type: DataType, packed: ArrayLike<number>, elements: number): Int8Array | Uint8Array {
  const perByte = elementsPerByte(type);
  const bits = 8 / perByte;
  const mask = (1 << bits) - 1;
  const signed = isSigned(type);
  const out = signed ? new Int8Array(elements) : new Uint8Array(elements);
  for (let i = 0; i < elements; i++) {
    const byte = packed[Math.floor(i / perByte)] & 0xff;
    let v = (byte >> ((i % perByte) * bits)) & mask;
    if (signed && v >= 1 << (bits - 1)) v -= 1 << bits;
    out[i] = v;
  }
  return out;
}

export function packSubByte(type: DataType, values: ArrayLike<number>): Uint8Array {
  const perByte = elementsPerByte(type);
  const bits = 8 / perByte;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(Math.ceil(values.length / perByte));
  for (let i = 0; i < values.length; i++) {
    out[Math.floor(i / perByte)] |= (values[i] & mask) << ((i % perByte) * bits);
  }
  return out;
}
