/**
 * A string that identifies a tensor's type, shape and values: two tensors get the same key
 * exactly when their types and shapes match and their values are equal element by element
 * under Object.is (so NaN equals NaN, and 0 differs from -0). Numeric contents are keyed by
 * their bytes, which is that equality for integers and for floats without NaN (NaN has many
 * bit patterns); the rest spell out each value.
 */
import type { DenseTensor } from '../tensor/dense-tensor.js';

/** Characters per String.fromCharCode call, well under engines' argument-count limits. */
const CHUNK = 8192;

export function tensorContentKey(t: DenseTensor): string {
  const head = `${t.type}[${t.dims.join(',')}]`;
  const data = t.data;
  if (Array.isArray(data) || hasNaN(data)) return `${head}(${spelledOut(data)})`;
  return `${head}#${bytesAsText(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))}`;
}

function hasNaN(data: ArrayLike<number | bigint>): boolean {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return false;
  for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) return true;
  return false;
}

function spelledOut(data: ArrayLike<number | bigint | string>): string {
  return Array.from(data, (v) => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : JSON.stringify(String(v)))).join(',');
}

/** One character per byte (a bijection, so equal texts mean equal bytes). */
function bytesAsText(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(at, at + CHUNK) as unknown as number[]));
  }
  return parts.join('');
}
