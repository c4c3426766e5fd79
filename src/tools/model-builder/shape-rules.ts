/**
 * Static shape rules for the ops the builder emits, so every value carries its shape and layer
 * helpers can read channel counts instead of being told them. Misfits throw ModelBuildError
 * at the call that made them, not later inside a runtime.
 */
import { broadcastShapes } from '../../kernels/support/broadcast.js';
import { formatShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { ModelBuildError } from './model-build-error.js';

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ModelBuildError(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Output length of a sliding window (Conv, MaxPool, AveragePool) along one axis. */
export function windowOutput(size: number, kernel: number, stride: number, pad: number, dilation: number, ceil: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1;
  if (span < 0) throw new ModelBuildError(`a window of ${kernel} (dilation ${dilation}, pad ${pad}) does not fit an axis of ${size}`);
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // As in PyTorch and ONNX: with ceil_mode the last window must start inside the padded input.
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** numpy matmul: the last two axes multiply, leading axes broadcast. */
export function matmulShape(a: Shape, b: Shape): number[] {
  if (a.length < 2 || b.length < 2) throw new ModelBuildError(`MatMul operands ${formatShape(a)} and ${formatShape(b)} must have rank 2 or more`);
  const [m, k] = a.slice(-2);
  const [k2, n] = b.slice(-2);
  if (k !== k2) throw new ModelBuildError(`MatMul operands ${formatShape(a)} and ${formatShape(b)} disagree on the inner dimension`);
  return [...broadcastShapes(a.slice(0, -2), b.slice(0, -2)), m, n];
}

/** ONNX Reshape: 0 copies the input's dimension, one -1 takes what is left. */
export function reshapeShape(input: Shape, target: readonly number[]): number[] {
  const out = target.map((d, i) => (d === 0 ? input[i] : d));
  const known = out.filter((d) => d !== -1);
  const inferred = out.length - known.length;
  if (inferred > 1) throw new ModelBuildError(`reshape target ${formatShape(target)} has more than one -1`);
  const total = sizeOf(input);
  if (inferred === 1) out[out.indexOf(-1)] = total / sizeOf(known);
  if (sizeOf(out) !== total || !out.every(Number.isInteger)) {
    throw new ModelBuildError(`cannot reshape ${formatShape(input)} to ${formatShape(target)}`);
  }
  return out;
}

export function transposeShape(input: Shape, perm: readonly number[]): number[] {
  if (perm.length !== input.length || [...perm].sort((x, y) => x - y).some((p, i) => p !== i)) {
    throw new ModelBuildError(`perm ${formatShape(perm)} is not a permutation of the axes of ${formatShape(input)}`);
  }
  return perm.map((p) => input[p]);
}

export function concatShape(inputs: readonly Shape[], axis: number): number[] {
  const rank = inputs[0].length;
  const a = normalizeAxis(axis, rank);
  const out = [...inputs[0]];
  for (const shape of inputs.slice(1)) {
    if (shape.length !== rank || shape.some((d, i) => i !== a && d !== out[i])) {
      throw new ModelBuildError(`cannot concatenate ${inputs.map(formatShape).join(', ')} on axis ${axis}`);
    }
    out[a] += shape[a];
  }
  return out;
}
