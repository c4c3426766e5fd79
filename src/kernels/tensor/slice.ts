/**
 * Slice: per listed axis a start, an exclusive end and a step (negative walks backwards).
 * Opsets 1-9 take starts/ends/axes as attributes without steps; 10+ take them as inputs.
 * Bounds follow Operators.md: negative values count from the back, then starts clamp into
 * [0, dim] ([0, dim-1] stepping backwards) and ends into [0, dim] ([-1, dim-1] backwards),
 * so INT64_MAX / INT64_MIN mean "to the end". The result is one strided copy.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, type DataType } from '../../tensor/element-type.js';
import { stridesOf } from '../../tensor/shape.js';
import { kernel, type KernelContext, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { normalizeAxes } from '../support/axes.js';
import { vectorInput } from '../support/shape-input.js';
import { gatherStrided } from './strided-copy.js';

interface SliceSpec {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly axes: readonly number[] | undefined;
  readonly steps: readonly number[] | undefined;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

function checkLength(name: string, list: readonly number[] | undefined, n: number): void {
  if (list !== undefined && list.length !== n) throw new KernelInputError(`${name} has ${list.length} values but starts has ${n}`);
}

/** Index v counted from the back of an axis of `dim` where negative. */
function fromBack(v: number, dim: number): number {
  return v < 0 ? v + dim : v;
}

// Index loops and no closures: Slice runs often on tiny tensors, before V8 optimizes it.
function slice(data: DenseTensor, spec: SliceSpec, context: KernelContext): DenseTensor {
  const { starts, ends, steps } = spec;
  const n = starts.length;
  checkLength('ends', ends, n);
  checkLength('axes', spec.axes, n);
  checkLength('steps', steps, n);
  const axes = normalizeAxes(spec.axes ?? firstAxes(n), data.rank, 'axes');
  const inStrides = stridesOf(data.dims);
  const dims = data.dims.slice();
  const strides = inStrides.slice();
  let offset = 0;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const axis = axes[i];
    const dim = data.dims[axis];
    const step = steps === undefined ? 1 : steps[i];
    if (step === 0 || !Number.isFinite(step)) throw new KernelInputError(`steps[${i}] must be a non-zero integer, got ${step}`);
    const start = step > 0 ? clamp(fromBack(starts[i], dim), 0, dim) : clamp(fromBack(starts[i], dim), 0, dim - 1);
    const end = step > 0 ? clamp(fromBack(ends[i], dim), 0, dim) : clamp(fromBack(ends[i], dim), -1, dim - 1);
    const count = Math.max(0, Math.ceil((end - start) / step));
    dims[axis] = count;
    strides[axis] = inStrides[axis] * step;
    offset += start * inStrides[axis];
    whole &&= step === 1 && count === dim;
  }
  if (whole) return data;
  return gatherStrided(data, { dims, strides, offset }, context);
}

/** Axes 0..n-1, the default when a Slice lists none. */
function firstAxes(n: number): number[] {
  const axes: number[] = [];
  for (let i = 0; i < n; i++) axes.push(i);
  return axes;
}

const sliceAttributes = kernel<SliceSpec>({
  domain: '',
  opType: 'Slice',
  sinceVersion: 1,
  untilVersion: 9,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
  parseAttributes: (attrs) => ({
    starts: attrs.requiredInts('starts'),
    ends: attrs.requiredInts('ends'),
    axes: attrs.ints('axes'),
    steps: undefined,
  }),
  run: (inputs, spec, context) => [slice(tensorInput(inputs, 0, 'data'), spec, context)],
});

const INDEX_TYPES: readonly DataType[] = ['int32', 'int64'];

const sliceInputs = kernel({
  domain: '',
  opType: 'Slice',
  sinceVersion: 10,
  typeConstraints: [
    { input: 0, types: ALL_TENSOR_TYPES },
    ...[1, 2, 3, 4].map((input) => ({ input, types: INDEX_TYPES })),
  ],
  run(inputs, _attributes, context) {
    const vector = (index: number, name: string): number[] | undefined => {
      const t = optionalTensorInput(inputs, index, name);
      return t && vectorInput(t, name);
    };
    const starts = vectorInput(tensorInput(inputs, 1, 'starts'), 'starts');
    const ends = vectorInput(tensorInput(inputs, 2, 'ends'), 'ends');
    return [slice(tensorInput(inputs, 0, 'data'), { starts, ends, axes: vector(3, 'axes'), steps: vector(4, 'steps') }, context)];
  },
});

export const sliceKernels: KernelDefinition[] = [sliceAttributes, sliceInputs];
