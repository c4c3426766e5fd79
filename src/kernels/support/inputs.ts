/** Reading kernel inputs with errors that name the input at fault. */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import type { Value } from '../../tensor/value.js';

export function tensorInput(inputs: readonly (Value | undefined)[], index: number, what = `input ${index}`): DenseTensor {
  const v = inputs[index];
  if (v === undefined) throw new KernelInputError(`${what} is required but was not given`);
  if (v.kind !== 'tensor') throw new KernelInputError(`${what} must be a tensor, got a ${v.kind}`);
  return v;
}

export function optionalTensorInput(inputs: readonly (Value | undefined)[], index: number, what = `input ${index}`): DenseTensor | undefined {
  const v = inputs[index];
  if (v === undefined) return undefined;
  if (v.kind !== 'tensor') throw new KernelInputError(`${what} must be a tensor, got a ${v.kind}`);
  return v;
}

/** Integer tensor (int32/int64/...) as plain numbers; for shapes, axes, indices, pads. */
export function integersOf(tensor: DenseTensor, what = 'input'): number[] {
  const data = tensor.data;
  if (Array.isArray(data)) throw new KernelInputError(`${what} must be an integer tensor, got ${tensor.type}`);
  const out = new Array<number>(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

/** Scalar (or one-element) numeric input as a number. */
export function scalarOf(tensor: DenseTensor, what = 'input'): number {
  if (tensor.size !== 1) throw new KernelInputError(`${what} must hold one value, got shape [${tensor.dims.join(',')}]`);
  return integersOf(tensor, what)[0];
}

export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(normalized) || normalized < 0 || normalized >= Math.max(rank, 1)) {
    throw new KernelInputError(`${what} ${axis} is out of range for rank ${rank} (expected ${-rank}..${rank - 1})`);
  }
  return normalized;
}

export function requireSameType(a: DenseTensor, b: DenseTensor, what: string): DataType {
  if (a.type !== b.type) throw new KernelInputError(`${what}: element types differ (${a.type} vs ${b.type})`);
  return a.type;
}
