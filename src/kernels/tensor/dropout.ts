/**
 * Dropout. In inference it is Identity plus an all-ones mask. In training (opset 1-6 with
 * is_test=0, or opset 12+ with training_mode=true) each element is kept with probability
 * 1 - ratio and kept ones are scaled by 1 / (1 - ratio). The mask was typed like the data
 * until opset 10 made it bool; the ratio moved from an attribute to an input at opset 12.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT8_TYPES, FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';
import { Mt19937 } from './mt19937.js';

const DROPOUT_TYPES: readonly DataType[] = [...FLOAT_TYPES, ...FLOAT8_TYPES];

interface DropoutSettings {
  readonly ratio: number;
  readonly training: boolean;
  readonly seed: number | undefined;
  /** Opsets before 10 type the mask like the data; later ones make it bool. */
  readonly boolMask: boolean;
}

/** The mask as the op's version types it, from 0/1 keep flags. */
function maskOf(x: DenseTensor, keep: Uint8Array, boolMask: boolean): DenseTensor {
  if (boolMask) return new DenseTensor('bool', x.dims, keep);
  const values = computeBuffer(x.type, keep.length) as Float32Array | Float64Array;
  values.set(keep);
  return tensorFromCompute(x.type, x.dims, values);
}

function dropout(x: DenseTensor, settings: DropoutSettings): DenseTensor[] {
  const { ratio, training, boolMask } = settings;
  if (!training || ratio === 0) return [x, maskOf(x, new Uint8Array(x.size).fill(1), boolMask)];
  if (!(ratio >= 0 && ratio < 1)) throw new KernelInputError(`ratio must be in [0, 1) in training mode, got ${ratio}`);
  const rng = new Mt19937(settings.seed ?? Math.floor(Math.random() * 2 ** 32));
  const input = computeValues(x);
  const scaled = x.type === 'float64' ? new Float64Array(input.length) : new Float32Array(input.length);
  const keep = new Uint8Array(input.length);
  // Rounded like the reference, which multiplies float32 data by a float32 scale.
  const scale = x.type === 'float64' ? 1 / (1 - ratio) : Math.fround(1 / (1 - ratio));
  for (let i = 0; i < input.length; i++) {
    if (rng.nextDouble() >= ratio) {
      keep[i] = 1;
      scaled[i] = (input[i] as number) * scale;
    }
  }
  return [tensorFromCompute(x.type, x.dims, scaled), maskOf(x, keep, boolMask)];
}

function dropoutKernel(
  sinceVersion: number,
  untilVersion: number | undefined,
  parse: (attrs: AttributeReader) => DropoutSettings,
): KernelDefinition {
  return kernel<DropoutSettings>({
    domain: '',
    opType: 'Dropout',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: DROPOUT_TYPES }],
    parseAttributes: (attrs) => parse(attrs),
    run: (inputs, settings) => dropout(tensorInput(inputs, 0, 'data'), settings),
  });
}

/** Opset 12+: ratio and training_mode are inputs, read per run. */
const dropoutWithInputs = kernel<{ seed: number | undefined }>({
  domain: '',
  opType: 'Dropout',
  sinceVersion: 12,
  typeConstraints: [{ input: 0, types: DROPOUT_TYPES }, { input: 1, types: DROPOUT_TYPES }, { input: 2, types: ['bool'] }],
  parseAttributes: (attrs) => ({ seed: attrs.int('seed') }),
  run(inputs, { seed }) {
    const x = tensorInput(inputs, 0, 'data');
    const ratioInput = optionalTensorInput(inputs, 1, 'ratio');
    const modeInput = optionalTensorInput(inputs, 2, 'training_mode');
    if (ratioInput && ratioInput.size !== 1) throw new KernelInputError(`ratio must be a scalar, got shape [${ratioInput.dims.join(',')}]`);
    if (modeInput && modeInput.size !== 1) throw new KernelInputError(`training_mode must be a scalar, got shape [${modeInput.dims.join(',')}]`);
    const ratio = ratioInput ? Number(computeValues(ratioInput)[0]) : 0.5;
    const training = modeInput ? (modeInput.data as Uint8Array)[0] !== 0 : false;
    return dropout(x, { ratio, training, seed, boolMask: true });
  },
});

export const dropoutKernels: KernelDefinition[] = [
  dropoutKernel(1, 6, (attrs) => ({ ratio: attrs.float('ratio', 0.5), training: attrs.int('is_test', 0) === 0, seed: undefined, boolMask: false })),
  // Opsets 7-11 have no training switch: these versions always run in test mode.
  dropoutKernel(7, 9, (attrs) => ({ ratio: attrs.float('ratio', 0.5), training: false, seed: undefined, boolMask: false })),
  dropoutKernel(10, 11, (attrs) => ({ ratio: attrs.float('ratio', 0.5), training: false, seed: undefined, boolMask: true })),
  dropoutWithInputs,
];
