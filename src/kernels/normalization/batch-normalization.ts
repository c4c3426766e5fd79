/**
 * BatchNormalization over X = [N, C, D1, ...] (or [N], one channel). Inference standardizes
 * with the given mean and variance; training (opset 14+ `training_mode`) uses the batch's own
 * per-channel mean and population variance and also returns the momentum-updated running
 * statistics. Before opset 9 `spatial=0` keeps one statistic per (channel, position), i.e. the
 * parameters have shape [C, D1, ...]. Opset 14 lets the mean and variance have their own float
 * type, opset 15 scale and bias too.
 */
import { wasmChannelAffineF32 } from '../../backends/wasm/channel-affine-host.js';
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { allocateOutput, kernel, type KernelContext, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { floatTensor } from './float-tensor.js';

interface BatchNormAttributes {
  readonly epsilon: number;
  readonly momentum: number;
  readonly training: boolean;
  readonly spatial: boolean;
}

interface Operands {
  readonly x: DenseTensor;
  readonly scale: NumberArray;
  readonly bias: NumberArray;
  readonly mean: DenseTensor;
  readonly variance: DenseTensor;
  /** Statistics per batch entry: C when spatial, C * D1 * ... otherwise. */
  readonly channels: number;
  /** Elements each statistic covers per batch entry. */
  readonly inner: number;
  readonly batch: number;
}

function operandsOf(inputs: KernelInputs, spatial: boolean): Operands {
  const x = tensorInput(inputs, 0, 'X');
  if (x.rank === 0) throw new KernelInputError('X must be [N, C, D1, ...] or [N], got a scalar');
  const batch = x.dims[0];
  const channels = x.rank < 2 ? 1 : spatial ? x.dims[1] : sizeOf(x.dims.slice(1));
  const inner = x.rank < 2 ? 1 : spatial ? sizeOf(x.dims.slice(2)) : 1;
  const parameter = (index: number, name: string): DenseTensor => {
    const t = tensorInput(inputs, index, name);
    if (t.size !== channels || (spatial && t.rank !== 1)) {
      const expected = spatial ? `[${channels}]` : `${channels} elements (${formatShape(x.dims.slice(1))})`;
      throw new KernelInputError(`${name} must have shape ${expected} for X ${formatShape(x.dims)}, got ${formatShape(t.dims)}`);
    }
    return t;
  };
  return {
    x,
    scale: computeValues(parameter(1, 'scale')) as NumberArray,
    bias: computeValues(parameter(2, 'B')) as NumberArray,
    mean: parameter(3, 'mean'),
    variance: parameter(4, 'var'),
    channels,
    inner,
    batch,
  };
}

/**
 * y = (x - mean[c]) * invStd[c] * scale[c] + bias[c] for every element of channel c, folded to
 * y = x * factor[c] + shift[c]. A float32 result takes its storage from the run's arena where
 * `context` has one, and is computed in float32 (see scaleShiftFloat32); other types in doubles.
 */
function normalize(op: Operands, mean: ArrayLike<number>, variance: ArrayLike<number>, epsilon: number, context?: KernelContext): DenseTensor {
  const { x, scale, bias, channels, inner, batch } = op;
  const factors = new Float64Array(channels);
  const shifts = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    factors[c] = scale[c] / Math.sqrt(variance[c] + epsilon);
    shifts[c] = bias[c] - mean[c] * factors[c];
  }
  const xv = computeValues(x) as NumberArray;
  if (x.type === 'float32') {
    const result = allocateOutput(context, x.type, x.dims);
    scaleShiftFloat32(xv as Float32Array, result.data as Float32Array, Float32Array.from(factors), Float32Array.from(shifts), inner);
    return result;
  }
  const y = computeBuffer(x.type, x.size) as NumberArray;
  for (let n = 0, i = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const factor = factors[c];
      const shift = shifts[c];
      for (let s = 0; s < inner; s++, i++) y[i] = xv[i] * factor + shift;
    }
  }
  return tensorFromCompute(x.type, x.dims, y);
}

/**
 * The float32 case of normalize: y = fround(fround(x * factor) + shift) with float32 factors and
 * shifts, on the elementwise WebAssembly module where it takes the call, else in this loop, which
 * rounds the same way (the double product of two floats is exact, so rounding it once gives
 * float32's product, and the double sum of two floats rounds to float32's sum), so either gives
 * the same bits. Apart from normalize so that its element accesses stay monomorphic.
 */
function scaleShiftFloat32(x: Float32Array, y: Float32Array, factors: Float32Array, shifts: Float32Array, inner: number): void {
  if (wasmChannelAffineF32({ x, out: y, factors, shifts, inner })) return;
  const channels = factors.length;
  for (let i = 0, c = 0; i < x.length; c = c + 1 === channels ? 0 : c + 1) {
    const factor = factors[c];
    const shift = shifts[c];
    const end = i + inner;
    for (; i < end; i++) y[i] = Math.fround(x[i] * factor) + shift;
  }
}

/** Per-channel mean and population variance of X over the batch and spatial positions. */
function batchStatistics(op: Operands): { mean: Float64Array; variance: Float64Array } {
  const { x, channels, inner, batch } = op;
  const xv = computeValues(x) as NumberArray;
  const count = batch * inner;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let n = 0, i = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) for (let s = 0; s < inner; s++, i++) mean[c] += xv[i];
  }
  for (let c = 0; c < channels; c++) mean[c] /= count;
  for (let n = 0, i = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      for (let s = 0; s < inner; s++, i++) {
        const d = xv[i] - mean[c];
        variance[c] += d * d;
      }
    }
  }
  for (let c = 0; c < channels; c++) variance[c] /= count;
  return { mean, variance };
}

function batchNormalization(inputs: KernelInputs, attrs: BatchNormAttributes, context: KernelContext): DenseTensor[] {
  const op = operandsOf(inputs, attrs.spatial);
  const givenMean = computeValues(op.mean) as NumberArray;
  const givenVariance = computeValues(op.variance) as NumberArray;
  if (!attrs.training) return [normalize(op, givenMean, givenVariance, attrs.epsilon, context)];
  const current = batchStatistics(op);
  const { momentum } = attrs;
  const running = (given: NumberArray, batchValue: Float64Array) =>
    batchValue.map((v, c) => given[c] * momentum + v * (1 - momentum));
  return [
    normalize(op, current.mean, current.variance, attrs.epsilon),
    floatTensor(op.mean.type, op.mean.dims, running(givenMean, current.mean)),
    floatTensor(op.variance.type, op.variance.dims, running(givenVariance, current.variance)),
  ];
}

interface Version {
  readonly since: number;
  readonly until?: number;
  /** Inputs that must share one element type. */
  readonly typeGroups: readonly (readonly number[])[];
  readonly types: readonly DataType[];
  readonly parse: (attrs: AttributeReader) => Pick<BatchNormAttributes, 'training' | 'spatial'>;
}

// Before opset 14 training is implied by asking for the extra outputs, which a kernel cannot
// see; these versions run in inference mode.
const inference = { training: false, spatial: true };
const legacySpatial = (attrs: AttributeReader) => ({ training: false, spatial: attrs.int('spatial', 1) !== 0 });
const LEGACY_FLOATS: readonly DataType[] = ['float16', 'float32', 'float64'];

const trainingMode = (attrs: AttributeReader) => ({ training: attrs.int('training_mode', 0) !== 0, spatial: true });
const ONE_TYPE = [[0, 1, 2, 3, 4]];

const VERSIONS: readonly Version[] = [
  { since: 1, until: 8, typeGroups: ONE_TYPE, types: LEGACY_FLOATS, parse: legacySpatial },
  { since: 9, until: 13, typeGroups: ONE_TYPE, types: LEGACY_FLOATS, parse: () => inference },
  // Opset 14 gives mean and var their own type; 15 also scale and B.
  { since: 14, until: 14, typeGroups: [[0, 1, 2], [3, 4]], types: FLOAT_TYPES, parse: trainingMode },
  { since: 15, typeGroups: [[1, 2], [3, 4]], types: FLOAT_TYPES, parse: trainingMode },
];

function sameTypes(inputs: KernelInputs, groups: readonly (readonly number[])[]): void {
  for (const group of groups) {
    const types = group.map((i) => inputs[i]?.kind === 'tensor' ? (inputs[i] as DenseTensor).type : undefined);
    if (types.some((t) => t !== types[0])) {
      throw new KernelInputError(`inputs ${group.join(', ')} must share one element type, got ${types.join(', ')}`);
    }
  }
}

export const batchNormalizationKernels: KernelDefinition[] = VERSIONS.map((v) =>
  kernel<BatchNormAttributes>({
    domain: '',
    opType: 'BatchNormalization',
    sinceVersion: v.since,
    untilVersion: v.until,
    typeConstraints: [0, 1, 2, 3, 4].map((input) => ({ input, types: v.types })),
    parseAttributes: (attrs) => ({ epsilon: attrs.float('epsilon', 1e-5), momentum: attrs.float('momentum', 0.9), ...v.parse(attrs) }),
    run(inputs, attrs, context) {
      sameTypes(inputs, v.typeGroups);
      return batchNormalization(inputs, attrs, context);
    },
  }),
);
