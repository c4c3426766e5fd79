/**
 * MelWeightMatrix: num_mel_bins triangular filters over the floor(dft_length/2) + 1 bins of a
 * onesided spectrum. num_mel_bins + 2 edges are spaced evenly on the mel scale
 * mel(f) = 2595 log10(1 + f/700) from lower_edge_hertz to upper_edge_hertz (the step divides
 * the range by the edge count, as the reference and onnxruntime do), mapped to spectrum bins by
 * floor((dft_length + 1) f / sample_rate); filter i rises from edge i to 1 at edge i + 1 and
 * falls to edge i + 2.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { scalarOf, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { checkedDims } from '../support/shape-input.js';
import { outputDatatype, tensorOfValues } from './generated-output.js';

const hzToMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

function hertzInput(inputs: KernelInputs, index: number, what: string): number {
  const t = tensorInput(inputs, index, what);
  if (t.size !== 1) throw new KernelInputError(`${what} must hold one value, got ${t.describe()}`);
  const value = Number(computeValues(t)[0]);
  if (!Number.isFinite(value)) throw new KernelInputError(`${what} must be finite, got ${value}`);
  return value;
}

function melWeights(melBins: number, dftLength: number, sampleRate: number, lowerHz: number, upperHz: number): { dims: number[]; values: Float64Array } {
  const spectrumBins = Math.floor(dftLength / 2) + 1;
  const dims = checkedDims([spectrumBins, melBins], 'MelWeightMatrix output');
  const lowMel = hzToMel(lowerHz);
  const melStep = (hzToMel(upperHz) - lowMel) / (melBins + 2);
  const edges = Array.from({ length: melBins + 2 }, (_, i) => Math.floor(((dftLength + 1) * melToHz(lowMel + i * melStep)) / sampleRate));
  const values = new Float64Array(spectrumBins * melBins);
  const put = (bin: number, filter: number, value: number): void => {
    if (!(bin >= 0 && bin < spectrumBins)) {
      throw new KernelInputError(
        `the mel filters reach spectrum bin ${bin}, outside 0..${spectrumBins - 1}: [lower_edge_hertz, upper_edge_hertz] = [${lowerHz}, ${upperHz}] must lie within 0..sample_rate/2 (${sampleRate / 2})`,
      );
    }
    values[bin * melBins + filter] = value;
  };
  for (let i = 0; i < melBins; i++) {
    const [low, center, high] = [edges[i], edges[i + 1], edges[i + 2]];
    if (center === low) put(center, i, 1);
    else for (let j = low; j <= center; j++) put(j, i, (j - low) / (center - low));
    for (let j = center; j < high; j++) put(j, i, (high - j) / (high - center));
  }
  return { dims, values };
}

export const melWeightMatrixKernels: KernelDefinition[] = [
  kernel<DataType>({
    domain: '',
    opType: 'MelWeightMatrix',
    sinceVersion: 17,
    typeConstraints: [
      { input: 0, types: ['int32', 'int64'] },
      { input: 1, types: ['int32', 'int64'] },
      { input: 2, types: ['int32', 'int64'] },
      { input: 3, types: FLOAT_TYPES },
      { input: 4, types: FLOAT_TYPES },
    ],
    parseAttributes: outputDatatype,
    run(inputs, type) {
      const melBins = scalarOf(tensorInput(inputs, 0, 'num_mel_bins'), 'num_mel_bins');
      const dftLength = scalarOf(tensorInput(inputs, 1, 'dft_length'), 'dft_length');
      const sampleRate = scalarOf(tensorInput(inputs, 2, 'sample_rate'), 'sample_rate');
      if (melBins < 1) throw new KernelInputError(`num_mel_bins must be positive, got ${melBins}`);
      if (dftLength < 1) throw new KernelInputError(`dft_length must be positive, got ${dftLength}`);
      if (sampleRate < 1) throw new KernelInputError(`sample_rate must be positive, got ${sampleRate}`);
      const lowerHz = hertzInput(inputs, 3, 'lower_edge_hertz');
      const upperHz = hertzInput(inputs, 4, 'upper_edge_hertz');
      const { dims, values } = melWeights(melBins, dftLength, sampleRate, lowerHz, upperHz);
      return [tensorOfValues(type, dims, values)];
    },
  }),
];
