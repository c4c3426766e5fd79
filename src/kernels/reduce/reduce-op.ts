/**
 * Registration of a Reduce* op across its opset versions. Up to opset 12 (ReduceSum) or 17 (the
 * others) the axes are an attribute; from 13/18 they are an optional int64 input and
 * noop_with_empty_axes chooses what an empty list means.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput, integersOf } from '../support/inputs.js';
import { normalizeAxes } from '../support/axes.js';
import { reduceTensor, type Reduction } from './reduce-engine.js';
import { reduceTrailingRowsF32, type RowReduction } from './trailing-rows.js';

export interface ReduceVersion {
  readonly since: number;
  readonly until?: number;
  readonly axesFrom: 'attribute' | 'input';
  readonly types: readonly DataType[];
}

interface ReduceAttributes {
  readonly keepdims: boolean;
  readonly noopWithEmptyAxes: boolean;
  /** The axes attribute (attribute versions only). */
  readonly axes: readonly number[] | undefined;
}

const HIGH_PRECISION: readonly DataType[] = ['uint32', 'uint64', 'int32', 'int64', 'float16', 'float32', 'float64'];
const WITH_BFLOAT16: readonly DataType[] = [...HIGH_PRECISION, 'bfloat16'];

/** The versions of a Reduce* op whose axes become an input at `inputSince` (13 or 18). */
export function axesInputSince(inputSince: number): ReduceVersion[] {
  const versions: ReduceVersion[] = [{ since: 1, until: 12, axesFrom: 'attribute', types: HIGH_PRECISION }];
  if (inputSince > 13) versions.push({ since: 13, until: inputSince - 1, axesFrom: 'attribute', types: WITH_BFLOAT16 });
  versions.push({ since: inputSince, axesFrom: 'input', types: WITH_BFLOAT16 });
  return versions;
}

const MIN_MAX_BYTES: readonly DataType[] = ['int8', 'uint8'];

/** ReduceMax and ReduceMin also take 8-bit integers from opset 12 and bool from 20. */
export const MIN_MAX_VERSIONS: readonly ReduceVersion[] = [
  { since: 1, until: 11, axesFrom: 'attribute', types: HIGH_PRECISION },
  { since: 12, until: 12, axesFrom: 'attribute', types: [...HIGH_PRECISION, ...MIN_MAX_BYTES] },
  { since: 13, until: 17, axesFrom: 'attribute', types: [...WITH_BFLOAT16, ...MIN_MAX_BYTES] },
  { since: 18, until: 19, axesFrom: 'input', types: [...WITH_BFLOAT16, ...MIN_MAX_BYTES] },
  { since: 20, axesFrom: 'input', types: [...WITH_BFLOAT16, ...MIN_MAX_BYTES, 'bool'] },
];

/**
 * Which dims are reduced. No axes (absent or empty) means every dim, unless
 * noop_with_empty_axes asks for none.
 */
function reducedMask(rank: number, axes: readonly number[] | undefined, noopWithEmptyAxes: boolean): boolean[] {
  if (axes === undefined || axes.length === 0) return new Array<boolean>(rank).fill(!noopWithEmptyAxes);
  if (rank === 0) throw new KernelInputError(`axes [${axes.join(',')}] given for a scalar input, which has no axes`);
  const mask = new Array<boolean>(rank).fill(false);
  for (const axis of normalizeAxes(axes, rank, 'axes')) mask[axis] = true;
  return mask;
}

/** `rows`: the op's reduction over trailing rows of float32 (trailing-rows.ts), where it has one. */
export function reduceOp(opType: string, reduction: Reduction, versions: readonly ReduceVersion[], rows?: RowReduction): KernelDefinition[] {
  return versions.map((version) =>
    kernel<ReduceAttributes>({
      domain: '',
      opType,
      sinceVersion: version.since,
      untilVersion: version.until,
      typeConstraints: [{ input: 0, types: version.types }, { input: 1, types: ['int64'] }],
      parseAttributes: (attrs) => ({
        keepdims: attrs.int('keepdims', 1) !== 0,
        noopWithEmptyAxes: version.axesFrom === 'input' && attrs.int('noop_with_empty_axes', 0) !== 0,
        axes: version.axesFrom === 'attribute' ? attrs.ints('axes') : undefined,
      }),
      run(inputs, attrs, context) {
        const data = tensorInput(inputs, 0, 'data');
        const axesTensor = version.axesFrom === 'input' ? optionalTensorInput(inputs, 1, 'axes') : undefined;
        const axes = axesTensor ? integersOf(axesTensor, 'axes') : attrs.axes;
        const mask = reducedMask(data.rank, axes, attrs.noopWithEmptyAxes);
        const trailing = rows && reduceTrailingRowsF32(data, mask, attrs.keepdims, rows, context);
        return [trailing || reduceTensor(data, mask, attrs.keepdims, reduction)];
      },
    }),
  );
}
