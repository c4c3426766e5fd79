/**
 * DenseTensor -> .npy bytes (format 1.0, or 2.0 when the header needs it). Types .npy has no
 * dtype for are widened losslessly: bfloat16 and the 8- and 4-bit floats to float32, the
 * sub-byte integers to int8/uint8.
 */
import { computeValues } from '../../kernels/support/numeric.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { isEncodedFloatType, type DataType, type TensorStorage } from '../../tensor/element-type.js';
import { NPY_MAGIC } from './npy-read.js';
import { npyCodeOf, parseDescr, swapBytes } from './npy-dtype.js';

export interface NpyWriteOptions {
  /** '<' (the default) writes little-endian, '>' big-endian. */
  readonly byteOrder?: '<' | '>';
}

const WIDENED: Partial<Record<DataType, string>> = { int4: 'i1', int2: 'i1', uint4: 'u1', uint2: 'u1' };

function stringBody(strings: readonly string[], order: '<' | '>'): { descr: string; body: Uint8Array } {
  const codePoints = strings.map((s) => Array.from(s, (c) => c.codePointAt(0) as number));
  // NumPy gives empty strings one character too ('<U1').
  const length = codePoints.reduce((max, c) => Math.max(max, c.length), 1);
  const body = new Uint8Array(strings.length * length * 4);
  const view = new DataView(body.buffer);
  codePoints.forEach((cps, i) => cps.forEach((cp, c) => view.setUint32((i * length + c) * 4, cp, order === '<')));
  return { descr: `${order}U${length}`, body };
}

function numericBody(tensor: DenseTensor, order: '<' | '>'): { descr: string; body: Uint8Array } {
  const decode = npyCodeOf(tensor.type) === undefined && isEncodedFloatType(tensor.type);
  const code = decode ? 'f4' : npyCodeOf(tensor.type) ?? WIDENED[tensor.type];
  const values = (decode ? computeValues(tensor) : tensor.data) as Exclude<TensorStorage, string[]>;
  const dtype = code === undefined ? undefined : parseDescr(code);
  if (!dtype || dtype.kind !== 'numeric') throw new TypeError(`${tensor.type} tensors have no .npy dtype`);
  const body = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  if (order === '>') swapBytes(body, dtype.swapWidth);
  return { descr: `${dtype.itemSize === 1 ? '|' : order}${code}`, body };
}

function header(descr: string, dims: readonly number[]): Uint8Array {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // The data starts on a 64-byte boundary; the header ends with a newline.
  const build = (major: number, lengthSize: number): Uint8Array => {
    const prefix = 8 + lengthSize;
    const padded = dict + ' '.repeat((64 - ((prefix + dict.length + 1) % 64)) % 64) + '\n';
    const out = new Uint8Array(prefix + padded.length);
    out.set(NPY_MAGIC);
    out[6] = major;
    const view = new DataView(out.buffer);
    if (lengthSize === 2) view.setUint16(8, padded.length, true);
    else view.setUint32(8, padded.length, true);
    for (let i = 0; i < padded.length; i++) out[prefix + i] = padded.charCodeAt(i);
    return out;
  };
  const v1 = build(1, 2);
  return v1.length - 10 <= 0xffff ? v1 : build(2, 4);
}

export function encodeNpy(tensor: DenseTensor, options: NpyWriteOptions = {}): Uint8Array {
  const order = options.byteOrder ?? '<';
  const { descr, body } = tensor.type === 'string'
    ? stringBody(tensor.data as string[], order)
    : numericBody(tensor, order);
  const head = header(descr, tensor.dims);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
