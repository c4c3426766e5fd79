/**
 * The input layout the ai.onnx.preview.training optimizers share: a scalar learning rate R, a
 * scalar int64 update count T, then n tensors X_1..X_n followed by each of their per-tensor
 * state lists (gradients, momenta...), n at a time. Every state tensor has its X's shape.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import type { KernelInputs } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute } from '../support/numeric.js';

export interface OptimizerStep {
  readonly rate: number;
  readonly count: number;
  /** groups[k][i]: the k-th tensor kind (X, G, ...) of optimized tensor i, as float64 values. */
  readonly groups: Float64Array[][];
  readonly xs: readonly DenseTensor[];
}

export function optimizerStep(inputs: KernelInputs, kinds: readonly string[]): OptimizerStep {
  const r = tensorInput(inputs, 0, 'R');
  const t = tensorInput(inputs, 1, 'T');
  if (r.size !== 1 || t.size !== 1) throw new KernelInputError(`R and T must be scalars, got ${formatShape(r.dims)} and ${formatShape(t.dims)}`);
  const rest = inputs.length - 2;
  if (rest <= 0 || rest % kinds.length !== 0) {
    throw new KernelInputError(`after R and T the inputs must be ${kinds.join(', ')} lists of equal length, got ${rest} tensors`);
  }
  const n = rest / kinds.length;
  const tensors = kinds.map((kind, k) => Array.from({ length: n }, (_, i) => tensorInput(inputs, 2 + k * n + i, `${kind}_${i + 1}`)));
  const xs = tensors[0];
  tensors.forEach((list, k) => list.forEach((tensor, i) => {
    if (!sameShape(tensor.dims, xs[i].dims)) throw new KernelInputError(`${kinds[k]}_${i + 1} is ${formatShape(tensor.dims)} but X_${i + 1} is ${formatShape(xs[i].dims)}`);
  }));
  return {
    rate: Number(computeValues(r)[0]),
    count: Number(computeValues(t)[0]),
    groups: tensors.map((list) => list.map((tensor) => Float64Array.from(computeValues(tensor) as ArrayLike<number>))),
    xs,
  };
}

/** Output tensors for one computed list, typed and shaped like the X each belongs to. */
export function outputsLike(xs: readonly DenseTensor[], values: readonly Float64Array[]): DenseTensor[] {
  return values.map((v, i) => tensorFromCompute(xs[i].type, xs[i].dims, xs[i].type === 'float64' ? v : Float32Array.from(v)));
}
