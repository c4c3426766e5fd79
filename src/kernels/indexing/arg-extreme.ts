/**
 * ArgMax and ArgMin: the int64 position of the extreme value along an axis, first occurrence by
 * default, last with select_last_index (opset 12+). NaN counts as the extreme, as in numpy.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { NUMERIC_TYPES } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { axisLayout, withAxisSize } from './axis-layout.js';

interface ArgAttributes {
  readonly axis: number;
  readonly keepdims: boolean;
  readonly selectLast: boolean;
}

type Wins = (candidate: number | bigint, best: number | bigint) => boolean;

/** Whether a later candidate replaces the best so far, per op and tie rule. */
function winRule(largest: boolean, selectLast: boolean): Wins {
  if (largest) {
    return selectLast ? (v, b) => v >= b || v !== v : (v, b) => v > b || (v !== v && b === b);
  }
  return selectLast ? (v, b) => v <= b || v !== v : (v, b) => v < b || (v !== v && b === b);
}

function argExtreme(opType: 'ArgMax' | 'ArgMin'): KernelDefinition {
  return kernel<ArgAttributes>({
    domain: '',
    opType,
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: NUMERIC_TYPES }],
    parseAttributes: (attrs) => ({
      axis: attrs.int('axis', 0),
      keepdims: attrs.int('keepdims', 1) !== 0,
      selectLast: attrs.int('select_last_index', 0) !== 0,
    }),
    run(inputs, attrs) {
      const x = tensorInput(inputs, 0, 'data');
      const axis = normalizeAxis(attrs.axis, x.rank);
      const { outer, size: n, inner } = axisLayout(x.dims, axis);
      const dims = x.rank === 0 ? [] : attrs.keepdims ? withAxisSize(x.dims, axis, 1) : x.dims.filter((_, d) => d !== axis);
      const out = new BigInt64Array(outer * inner);
      if (n === 0 && out.length > 0) throw new KernelInputError(`cannot take ${opType} over axis ${axis} of size 0`);
      const wins = winRule(opType === 'ArgMax', attrs.selectLast);
      const xs = computeValues(x);
      const position = new Int32Array(inner);
      for (let o = 0; o < outer; o++) {
        const base = o * n * inner;
        const best = xs.slice(base, base + inner);
        position.fill(0);
        for (let j = 1; j < n; j++) {
          const row = base + j * inner;
          for (let i = 0; i < inner; i++) {
            const v = xs[row + i];
            if (wins(v, best[i])) {
              best[i] = v;
              position[i] = j;
            }
          }
        }
        for (let i = 0; i < inner; i++) out[o * inner + i] = BigInt(position[i]);
      }
      return [new DenseTensor('int64', dims, out)];
    },
  });
}

export const argExtremeKernels: KernelDefinition[] = [argExtreme('ArgMax'), argExtreme('ArgMin')];
