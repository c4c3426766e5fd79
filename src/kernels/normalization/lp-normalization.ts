/**
 * LpNormalization: each lane along `axis` divided by its L1 or L2 norm; a lane whose norm is
 * zero stays zero instead of becoming NaN.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { mapLanes, type LaneFn } from './axis-lanes.js';

const lpLane = (p: 1 | 2): LaneFn => (x, y, base, length, step) => {
  let norm = 0;
  for (let i = 0, at = base; i < length; i++, at += step) norm += p === 1 ? Math.abs(x[at]) : x[at] * x[at];
  if (p === 2) norm = Math.sqrt(norm);
  if (norm === 0) return;
  for (let i = 0, at = base; i < length; i++, at += step) y[at] = x[at] / norm;
};

interface LpNormAttributes {
  readonly axis: number;
  readonly lane: LaneFn;
}

function lpNormalization(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<LpNormAttributes>({
    domain: '',
    opType: 'LpNormalization',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: (attrs) => {
      const p = attrs.int('p', 2);
      if (p !== 1 && p !== 2) throw new KernelInputError(`attribute 'p' must be 1 or 2, got ${p}`);
      return { axis: attrs.int('axis', -1), lane: lpLane(p) };
    },
    run(inputs, { axis, lane }) {
      const x = tensorInput(inputs, 0, 'input');
      const a = normalizeAxis(axis, x.rank);
      return [mapLanes(x, sizeOf(x.dims.slice(0, a)), x.rank === 0 ? 1 : x.dims[a], lane)];
    },
  });
}

export const lpNormalizationKernels: KernelDefinition[] = [
  lpNormalization(1, 21, ['float16', 'float32', 'float64']),
  lpNormalization(22, undefined, FLOAT_TYPES),
];
