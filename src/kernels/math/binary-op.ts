/**
 * Registration of a broadcasting binary op across all its opset versions. Versions before 7
 * broadcast only when the `broadcast` attribute says so, aligning B at `axis`; 7 and later
 * broadcast numpy-style.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DataType } from '../../tensor/element-type.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { sameShape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { mapBinary, type ElementFn, type ElementFns } from '../support/elementwise.js';
import { tensorInput } from '../support/inputs.js';

interface LegacyBroadcast {
  readonly broadcast: number;
  readonly axis: number | undefined;
}

/** B as the pre-opset-7 rule places it against A: its dims start at `axis` (default: the trailing end). */
function placeLegacy(a: DenseTensor, b: DenseTensor, attrs: LegacyBroadcast): DenseTensor {
  if (!attrs.broadcast) {
    if (!sameShape(a.dims, b.dims)) {
      throw new KernelInputError(`inputs have shapes [${a.dims}] and [${b.dims}]; set broadcast=1 to broadcast B (opset < 7)`);
    }
    return b;
  }
  if (b.size === 1) return b.reshaped([]);
  const axis = attrs.axis === undefined ? a.rank - b.rank : attrs.axis < 0 ? attrs.axis + a.rank : attrs.axis;
  if (axis < 0 || axis + b.rank > a.rank) {
    throw new KernelInputError(`B of shape [${b.dims}] does not fit A of shape [${a.dims}] at axis ${axis}`);
  }
  return b.reshaped([...b.dims, ...new Array<number>(a.rank - axis - b.rank).fill(1)]);
}

export function binaryOp(
  opType: string,
  fns: ElementFns<ElementFn>,
  types: readonly DataType[],
  options: { outType?: DataType; legacyUntil?: number; since?: number } = {},
): KernelDefinition[] {
  const typeConstraints = [{ input: 0, types }, { input: 1, types }];
  const out = (a: DenseTensor) => options.outType ?? a.type;
  const modern = kernel({
    domain: '',
    opType,
    sinceVersion: options.legacyUntil === undefined ? (options.since ?? 1) : options.legacyUntil + 1,
    typeConstraints,
    run(inputs) {
      const a = tensorInput(inputs, 0, 'A');
      const b = tensorInput(inputs, 1, 'B');
      if (a.type !== b.type) throw new KernelInputError(`A is ${a.type} but B is ${b.type}; both must have one type`);
      return [mapBinary(a, b, fns, out(a))];
    },
  });
  if (options.legacyUntil === undefined) return [modern];
  const legacy = kernel<LegacyBroadcast>({
    domain: '',
    opType,
    sinceVersion: options.since ?? 1,
    untilVersion: options.legacyUntil,
    typeConstraints,
    parseAttributes: (attrs) => ({ broadcast: attrs.int('broadcast', 0), axis: attrs.int('axis') }),
    run(inputs, attrs) {
      const a = tensorInput(inputs, 0, 'A');
      const b = placeLegacy(a, tensorInput(inputs, 1, 'B'), attrs);
      return [mapBinary(a, b, fns, out(a))];
    },
  });
  return [modern, legacy];
}
