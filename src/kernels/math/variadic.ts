/**
 * Max, Min, Sum, Mean over one or more inputs. Opsets before 8 need every input to have one
 * shape; from 8 they broadcast numpy-style. The result folds each input into one accumulator
 * (decoded once for the encoded float types) rather than allocating a tensor per pair.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, NUMERIC_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape, sameShape, sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { broadcastRuns, broadcastShapes, forEachRun, type BroadcastRuns } from '../support/broadcast.js';
import { pickFn, runFloatLoops, type BinaryFns, type FloatArray } from '../support/elementwise.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type ComputeArray } from '../support/numeric.js';
import { addLoops, maxLoops, minLoops } from './float-binary-loops.js';

function operands(inputs: KernelInputs, broadcast: boolean): DenseTensor[] {
  if (inputs.length === 0) throw new KernelInputError('at least one input is required');
  const tensors = inputs.map((_, i) => tensorInput(inputs, i, `input ${i}`));
  const first = tensors[0];
  for (const [i, t] of tensors.entries()) {
    if (t.type !== first.type) throw new KernelInputError(`input ${i} is ${t.type} but input 0 is ${first.type}; all must have one type`);
    if (!broadcast && !sameShape(t.dims, first.dims)) {
      throw new KernelInputError(`input ${i} has shape ${formatShape(t.dims)} but input 0 has ${formatShape(first.dims)}; before opset 8 all shapes must agree`);
    }
  }
  return tensors;
}

/** acc = values broadcast to acc's shape. */
function broadcastInto(acc: ComputeArray, runs: BroadcastRuns, values: ComputeArray): void {
  const n = runs.block;
  const step = runs.bStep;
  forEachRun(runs, (o, _, bi) => {
    for (let i = 0; i < n; i++) acc[o + i] = values[bi + i * step];
  });
}

/** acc = fn(acc, values), with values broadcast to acc's shape. */
function combineInto(acc: ComputeArray, runs: BroadcastRuns, values: ComputeArray, fns: BinaryFns, type: DataType): void {
  if (fns.floatLoops && (acc instanceof Float32Array || acc instanceof Float64Array) && values.constructor === acc.constructor) {
    runFloatLoops(fns.floatLoops, runs, acc, values as FloatArray, acc);
    return;
  }
  const fn = pickFn(fns, type);
  const n = runs.block;
  const step = runs.bStep;
  forEachRun(runs, (o, _, bi) => {
    for (let i = 0; i < n; i++) acc[o + i] = fn(acc[o + i], values[bi + i * step]);
  });
}

function fold(tensors: readonly DenseTensor[], fns: BinaryFns, divideBy: number): DenseTensor {
  if (tensors.length === 1 && divideBy === 1) return tensors[0];
  const type = tensors[0].type;
  const dims = broadcastShapes(...tensors.map((t) => t.dims));
  const acc = computeBuffer(type, sizeOf(dims));
  tensors.forEach((t, k) => {
    const runs = broadcastRuns(dims, t.dims);
    if (k === 0) broadcastInto(acc, runs, computeValues(t));
    else combineInto(acc, runs, computeValues(t), fns, type);
  });
  if (divideBy !== 1) for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) / divideBy;
  return tensorFromCompute(type, dims, acc);
}

const add: BinaryFns = { float: (a, b) => a + b, floatLoops: addLoops };
// Math.max/min propagate NaN, as numpy's maximum/minimum (the reference) do.
const max: BinaryFns = { float: Math.max, bigint: (a: bigint, b: bigint) => (a > b ? a : b), floatLoops: maxLoops };
const min: BinaryFns = { float: Math.min, bigint: (a: bigint, b: bigint) => (a < b ? a : b), floatLoops: minLoops };

function variadicOp(opType: string, fns: BinaryFns, types: readonly DataType[], mean = false): KernelDefinition[] {
  const typeConstraints = [{ input: 0, types }];
  const run = (broadcast: boolean) => (inputs: KernelInputs) => {
    const tensors = operands(inputs, broadcast);
    return [fold(tensors, fns, mean ? tensors.length : 1)];
  };
  return [
    kernel({ domain: '', opType, sinceVersion: 8, typeConstraints, run: run(true) }),
    kernel({ domain: '', opType, sinceVersion: 1, untilVersion: 7, typeConstraints, run: run(false) }),
  ];
}

export const variadicKernels: KernelDefinition[] = [
  ...variadicOp('Max', max, NUMERIC_TYPES),
  ...variadicOp('Min', min, NUMERIC_TYPES),
  ...variadicOp('Sum', add, FLOAT_TYPES),
  ...variadicOp('Mean', add, FLOAT_TYPES, true),
];
