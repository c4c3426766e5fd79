/**
 * TopK: the k largest (or smallest) entries along an axis, with their int64 positions. Opset 1
 * reads k from an attribute, 10+ from the K input; largest and sorted arrive in 11. Results are
 * always sorted, which sorted=0 permits.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, NUMERIC_TYPES, type TensorStorage } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, scalarOf, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { axisLayout, withAxisSize } from './axis-layout.js';
import { selectTopK } from './top-k-select.js';

interface TopKAttributes {
  readonly axis: number;
  readonly largest: boolean;
}

function topK(x: DenseTensor, k: number, attrs: TopKAttributes): DenseTensor[] {
  if (x.rank === 0) throw new KernelInputError('X must have rank >= 1, got a scalar');
  const axis = normalizeAxis(attrs.axis, x.rank);
  const { outer, size: n, inner } = axisLayout(x.dims, axis);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new KernelInputError(`k = ${k} must be in 0..${n} (the size of axis ${axis})`);
  const dims = withAxisSize(x.dims, axis, k);
  const values = allocateStorage(x.type, sizeOf(dims)) as { [i: number]: unknown };
  const positions = new BigInt64Array(sizeOf(dims));
  const source = x.data as { [i: number]: unknown };
  const keys = computeValues(x);
  const strided = keys.slice(0, n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * n * inner + i;
      // A lane along the last axis is contiguous and is read in place; others are gathered.
      let lane: ArrayLike<number | bigint> = strided;
      if (inner === 1) lane = keys.subarray(first, first + n);
      else for (let j = 0; j < n; j++) strided[j] = keys[first + j * inner];
      const best = selectTopK(lane, k, attrs.largest);
      const outFirst = o * k * inner + i;
      for (let r = 0; r < k; r++) {
        values[outFirst + r * inner] = source[first + best[r] * inner];
        positions[outFirst + r * inner] = BigInt(best[r]);
      }
    }
  }
  return [new DenseTensor(x.type, dims, values as TensorStorage), new DenseTensor('int64', dims, positions)];
}

const topKAttributeK = kernel<TopKAttributes & { k: number }>({
  domain: '',
  opType: 'TopK',
  sinceVersion: 1,
  untilVersion: 9,
  typeConstraints: [{ input: 0, types: NUMERIC_TYPES }],
  parseAttributes: (attrs) => ({ axis: attrs.int('axis', -1), largest: true, k: attrs.requiredInt('k') }),
  run: (inputs, attrs) => topK(tensorInput(inputs, 0, 'X'), attrs.k, attrs),
});

const topKInputK = kernel<TopKAttributes>({
  domain: '',
  opType: 'TopK',
  sinceVersion: 10,
  typeConstraints: [{ input: 0, types: NUMERIC_TYPES }, { input: 1, types: ['int64', 'int32'] }],
  parseAttributes: (attrs) => ({ axis: attrs.int('axis', -1), largest: attrs.int('largest', 1) !== 0 }),
  run: (inputs, attrs) => topK(tensorInput(inputs, 0, 'X'), scalarOf(tensorInput(inputs, 1, 'K'), 'K'), attrs),
});

export const topKKernels: KernelDefinition[] = [topKAttributeK, topKInputK];
