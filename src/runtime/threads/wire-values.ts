/**
 * Public values (and the run() arguments that hold them) across postMessage. Structured clone
 * keeps typed arrays, arrays, Maps and plain objects but not classes, so every Tensor (ours, or
 * a tensor-like from another onnxruntime-common copy) travels as a plain record and is rebuilt
 * on arrival. Everything else crosses as structured clone sends it.
 *
 * Feeds are copied: the caller keeps using its tensors (a view of a larger buffer is sliced
 * first, or structured clone would copy all of that buffer). Outputs are copied once in the
 * worker and their buffers transferred, so the receiving thread does no copying at all: an
 * output may share its buffer with a model constant or with another output, which must not be
 * detached.
 */
import { Tensor } from '../../api/tensor.js';

interface WireTensor {
  readonly onnxtsWireTensor: true;
  readonly type: Tensor.Type;
  readonly dims: readonly number[];
  readonly data: Tensor.DataType;
}

function isWireTensor(value: unknown): value is WireTensor {
  return typeof value === 'object' && value !== null && (value as WireTensor).onnxtsWireTensor === true;
}

function isTensorLike(value: object): value is Tensor {
  if (value instanceof Tensor) return true;
  const v = value as { type?: unknown; data?: unknown; dims?: unknown };
  return typeof v.type === 'string' && Array.isArray(v.dims) && v.data !== undefined;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The value with every tensor in it made a plain record. With `transfer`, tensor data is
 * copied into fresh buffers listed there for postMessage to move.
 */
export function toWire(value: unknown, transfer?: Transferable[]): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((v) => toWire(v, transfer));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, toWire(v, transfer)]));
  if (isTensorLike(value)) return wireTensor(value, transfer);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v, transfer)]));
}

function wireTensor(tensor: Tensor, transfer: Transferable[] | undefined): WireTensor {
  let data = tensor.data;
  if (ArrayBuffer.isView(data)) {
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    // Structured clone copies the whole buffer under a view; a transfer needs a buffer of its own.
    if (transfer || !whole) data = data.slice() as Tensor.DataType;
    if (transfer) transfer.push((data as Exclude<Tensor.DataType, string[]>).buffer as ArrayBuffer);
  }
  return { onnxtsWireTensor: true, type: tensor.type, dims: [...tensor.dims], data };
}

/** The inverse of toWire: records become Tensors of the receiving side's class again. */
export function fromWire(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (isWireTensor(value)) return new Tensor(value.type, value.data as never, value.dims);
  if (Array.isArray(value)) return value.map(fromWire);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, fromWire(v)]));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
}
