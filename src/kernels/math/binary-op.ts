/**
 * Registration of a broadcasting binary op across all its opset versions. Versions before 7
 * broadcast only when the `broadcast` attribute says so, aligning B at `axis`; 7 and later
 * broadcast numpy-style.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DataType } from '../../tensor/element-type.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { sameShape } from '../../tensor/shape.js';
import { kernel, type KernelContext, type KernelDefinition } from '../kernel.js';
import { mapBinary, type BinaryFns } from '../support/elementwise.js';
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

export interface BinaryOptions {
  /** Output element type when it is not the inputs' (bool for comparisons). */
  readonly outType?: DataType;
  /** Last opset of the pre-7 form with `broadcast` and `axis` attributes. */
  readonly legacyUntil?: number;
  readonly since?: number;
  /** Replaces the elementwise map, for types it cannot compute on (strings). */
  readonly compute?: (a: DenseTensor, b: DenseTensor) => DenseTensor;
}

function sameTypes(a: DenseTensor, b: DenseTensor): void {
  if (a.type !== b.type) throw new KernelInputError(`A is ${a.type} but B is ${b.type}; both must have one type`);
}

function computeOf(fns: BinaryFns, options: BinaryOptions): (a: DenseTensor, b: DenseTensor, context: KernelContext) => DenseTensor {
  return options.compute ?? ((a, b, context) => mapBinary(a, b, fns, options.outType ?? a.type, context));
}

/** Only the pre-7 form, for ops whose later versions need a kernel of their own (Pow). */
export function legacyBinaryOp(opType: string, fns: BinaryFns, types: readonly DataType[], options: BinaryOptions & { legacyUntil: number }): KernelDefinition {
  const compute = computeOf(fns, options);
  return kernel<LegacyBroadcast>({
    domain: '',
    opType,
    sinceVersion: options.since ?? 1,
    untilVersion: options.legacyUntil,
    typeConstraints: [{ input: 0, types }, { input: 1, types }],
    parseAttributes: (attrs) => ({ broadcast: attrs.int('broadcast', 0), axis: attrs.int('axis') }),
    run(inputs, attrs, context) {
      const a = tensorInput(inputs, 0, 'A');
      const b = placeLegacy(a, tensorInput(inputs, 1, 'B'), attrs);
      sameTypes(a, b);
      return [compute(a, b, context)];
    },
  });
}

export function binaryOp(opType: string, fns: BinaryFns, types: readonly DataType[], options: BinaryOptions = {}): KernelDefinition[] {
  const compute = computeOf(fns, options);
  const { legacyUntil } = options;
  const modern = kernel({
    domain: '',
    opType,
    sinceVersion: legacyUntil === undefined ? (options.since ?? 1) : legacyUntil + 1,
    typeConstraints: [{ input: 0, types }, { input: 1, types }],
    run(inputs, _attrs, context) {
      const a = tensorInput(inputs, 0, 'A');
      const b = tensorInput(inputs, 1, 'B');
      sameTypes(a, b);
      return [compute(a, b, context)];
    },
  });
  return legacyUntil === undefined ? [modern] : [modern, legacyBinaryOp(opType, fns, types, { ...options, legacyUntil })];
}
