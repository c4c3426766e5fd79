/**
 * Unique: the distinct elements of the flattened input, or the distinct slices along an axis,
 * sorted ascending (lexicographically for slices, NaN last) or in order of first occurrence, with
 * first-occurrence indices, inverse indices and counts.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, allocateStorage, slotsPerElement } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { axisLayout, withAxisSize } from './axis-layout.js';
import { copyBlock } from '../support/block-copy.js';

type Key = number | bigint | string;

function compareKeys(a: Key, b: Key): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const aNan = a !== a;
  const bNan = b !== b;
  return aNan === bNan ? 0 : aNan ? 1 : -1;
}

function int64Vector(values: ArrayLike<number>): DenseTensor {
  return new DenseTensor('int64', [values.length], BigInt64Array.from(Array.from(values), (v) => BigInt(v)));
}

export const unique = kernel<{ axis: number | undefined; sorted: boolean }>({
  domain: '',
  opType: 'Unique',
  sinceVersion: 11,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
  parseAttributes: (attrs) => ({ axis: attrs.int('axis'), sorted: attrs.int('sorted', 1) !== 0 }),
  run(inputs, attrs) {
    const input = tensorInput(inputs, 0, 'X');
    if (attrs.axis !== undefined && input.rank === 0) throw new KernelInputError('X must have rank >= 1 when an axis is given, got a scalar');
    const x = attrs.axis === undefined ? input.reshaped([input.size]) : input;
    const axis = attrs.axis === undefined ? 0 : normalizeAxis(attrs.axis, x.rank);
    const { outer, size: n, inner } = axisLayout(x.dims, axis);
    const block = inner * slotsPerElement(x.type);
    const keys = (x.type === 'string' ? x.data : computeValues(x)) as ArrayLike<Key>;
    // Slice j is the values keys[(o * n + j) * block + r] for every o and r, in that order.
    const sliceValues = (j: number): Key[] => {
      const values: Key[] = [];
      for (let o = 0; o < outer; o++) for (let r = 0; r < block; r++) values.push(keys[(o * n + j) * block + r]);
      return values;
    };
    const single = outer * block === 1;
    // Map keys compare with SameValueZero, so NaN matches NaN and -0 matches 0.
    const keyOf = (j: number): Key => (single ? keys[j] : JSON.stringify(sliceValues(j).map(String)));

    const ids = new Map<Key, number>();
    const first: number[] = [];
    const counts: number[] = [];
    const inverse = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const key = keyOf(j);
      let id = ids.get(key);
      if (id === undefined) {
        id = first.length;
        ids.set(key, id);
        first.push(j);
        counts.push(0);
      }
      counts[id]++;
      inverse[j] = id;
    }

    const order = first.map((_, id) => id);
    if (attrs.sorted) {
      const slices = first.map(sliceValues);
      order.sort((a, b) => {
        for (let t = 0; t < slices[a].length; t++) {
          const c = compareKeys(slices[a][t], slices[b][t]);
          if (c !== 0) return c;
        }
        return 0;
      });
    }
    const rank = new Int32Array(order.length);
    order.forEach((id, position) => (rank[id] = position));

    const dims = withAxisSize(x.dims, axis, order.length);
    const y = allocateStorage(x.type, sizeOf(dims));
    let dst = 0;
    for (let o = 0; o < outer; o++) {
      for (const id of order) {
        copyBlock(x.data, (o * n + first[id]) * block, y, dst, block);
        dst += block;
      }
    }
    return [
      new DenseTensor(x.type, dims, y),
      int64Vector(order.map((id) => first[id])),
      int64Vector(Array.from(inverse, (id) => rank[id])),
      int64Vector(order.map((id) => counts[id])),
    ];
  },
});
