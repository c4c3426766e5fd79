/** Numpy-style (multidirectional) broadcasting, per ../onnx-spec/Broadcasting.md. */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape, stridesOf, type Shape } from '../../tensor/shape.js';

export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    const offset = rank - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      const o = out[offset + i];
      if (d === o || d === 1) continue;
      if (o === 1) out[offset + i] = d;
      else {
        throw new KernelInputError(`shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together (dimension ${offset + i}: ${o} vs ${d})`);
      }
    }
  }
  return out;
}

/**
 * For each position of `outShape`, the flat index into a tensor of `shape` broadcast to it.
 * Returns undefined when no broadcasting is needed (same shape), so callers take a fast path.
 */
export function broadcastIndex(shape: Shape, outShape: Shape): Int32Array | undefined {
  const size = outShape.reduce((a, b) => a * b, 1);
  if (shape.length === outShape.length && shape.every((d, i) => d === outShape[i])) return undefined;
  const rank = outShape.length;
  const inStrides = stridesOf(shape);
  const strides = new Array<number>(rank).fill(0);
  const offset = rank - shape.length;
  for (let i = 0; i < shape.length; i++) strides[offset + i] = shape[i] === 1 ? 0 : inStrides[i];
  const index = new Int32Array(size);
  const counter = new Array<number>(rank).fill(0);
  let flat = 0;
  for (let i = 0; i < size; i++) {
    index[i] = flat;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      flat += strides[d];
      if (counter[d] < outShape[d]) break;
      flat -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return index;
}

/** Whether `shape` broadcasts to `target` without changing it (unidirectional broadcasting). */
export function broadcastsOneWay(shape: Shape, target: Shape): boolean {
  const offset = target.length - shape.length;
  return offset >= 0 && shape.every((d, i) => d === 1 || d === target[offset + i]);
}
