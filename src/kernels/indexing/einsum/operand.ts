/**
 * An Einsum operand while it is being reduced: computable values with one label per dimension,
 * and the single-operand steps (diagonal, dropping broadcast dimensions, summing labels out,
 * reordering) that bring operands to the shape a contraction wants.
 */
import { KernelInputError } from '../../../errors/errors.js';
import type { DataType } from '../../../tensor/element-type.js';
import { formatShape, sizeOf, stridesOf } from '../../../tensor/shape.js';
import type { ComputeArray } from '../../support/numeric.js';
import { computeBuffer, isBigIntArray } from '../../support/numeric.js';
import { takeElements } from '../element-copy.js';
import { permute } from '../permute.js';
import { stridedOffsets } from '../strided-offsets.js';

export interface Operand {
  readonly values: ComputeArray;
  readonly dims: readonly number[];
  readonly labels: readonly number[];
}

/** One dimension per label: repeated labels keep only their diagonal. */
export function diagonal(op: Operand, type: DataType): Operand {
  const labels = [...new Set(op.labels)];
  if (labels.length === op.labels.length) return op;
  const inStrides = stridesOf(op.dims);
  const dims: number[] = [];
  const strides: number[] = [];
  for (const label of labels) {
    let size = -1;
    let stride = 0;
    op.labels.forEach((l, d) => {
      if (l !== label) return;
      if (size >= 0 && op.dims[d] !== size) {
        throw new KernelInputError(`a label repeated in one term must have one size, got ${size} and ${op.dims[d]} in shape ${formatShape(op.dims)}`);
      }
      size = op.dims[d];
      stride += inStrides[d];
    });
    dims.push(size);
    strides.push(stride);
  }
  const values = takeElements(type, op.values, stridedOffsets(dims, strides)) as ComputeArray;
  return { values, dims, labels };
}

/** Drops size-1 dimensions that broadcast against a larger size elsewhere (no data moves). */
export function dropBroadcast(op: Operand, sizes: ReadonlyMap<number, number>): Operand {
  const keep = op.labels.map((l, d) => !(op.dims[d] === 1 && (sizes.get(l) ?? 1) > 1));
  if (keep.every(Boolean)) return op;
  return { values: op.values, dims: op.dims.filter((_, d) => keep[d]), labels: op.labels.filter((_, d) => keep[d]) };
}

/** The operand with its dimensions in `labels` order (a copy only when the order changes). */
export function reorder(op: Operand, labels: readonly number[], type: DataType): Operand {
  if (labels.every((l, i) => op.labels[i] === l)) return op;
  const perm = labels.map((l) => op.labels.indexOf(l));
  const moved = permute(type, op.values, op.dims, perm);
  return { values: moved.data as ComputeArray, dims: moved.dims, labels };
}

/** Sums the dimensions whose labels are in `drop` out of the operand. */
export function sumOut(op: Operand, drop: ReadonlySet<number>, type: DataType): Operand {
  if (!op.labels.some((l) => drop.has(l))) return op;
  const kept = op.labels.filter((l) => !drop.has(l));
  const moved = reorder(op, [...kept, ...op.labels.filter((l) => drop.has(l))], type);
  const dims = moved.dims.slice(0, kept.length);
  const count = sizeOf(dims);
  const run = count === 0 ? 0 : moved.values.length / count;
  const values = computeBuffer(type, count);
  const source = moved.values;
  if (isBigIntArray(source)) {
    for (let k = 0; k < count; k++) {
      let sum = 0n;
      for (let r = k * run; r < (k + 1) * run; r++) sum += source[r];
      values[k] = sum;
    }
  } else {
    for (let k = 0; k < count; k++) {
      let sum = 0;
      for (let r = k * run; r < (k + 1) * run; r++) sum += source[r];
      values[k] = sum;
    }
  }
  return { values, dims, labels: kept };
}
