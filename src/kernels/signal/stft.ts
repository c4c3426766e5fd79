/**
 * STFT: frames of frame_length samples taken every frame_step samples (only whole frames, as
 * torch.stft without centering), each multiplied by the window and transformed. The window's
 * length and frame_length must agree when both are given; either one alone sets the frame
 * length, and with neither the whole signal is one frame.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, scalarOf, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { checkedDims } from '../support/shape-input.js';
import { complexParts } from './dft-core.js';
import { fourierTransform } from './fourier-transform.js';

interface StftAttributes {
  readonly onesided: boolean;
}

export const stftKernels: KernelDefinition[] = [
  kernel<StftAttributes>({
    domain: '',
    opType: 'STFT',
    sinceVersion: 17,
    typeConstraints: [
      { input: 0, types: FLOAT_TYPES },
      { input: 1, types: ['int32', 'int64'] },
      { input: 2, types: FLOAT_TYPES },
      { input: 3, types: ['int32', 'int64'] },
    ],
    parseAttributes: (attrs) => ({ onesided: attrs.int('onesided', 1) !== 0 }),
    run(inputs, { onesided }) {
      const signal = tensorInput(inputs, 0, 'signal');
      const step = scalarOf(tensorInput(inputs, 1, 'frame_step'), 'frame_step');
      const window = optionalTensorInput(inputs, 2, 'window');
      const frameLengthInput = optionalTensorInput(inputs, 3, 'frame_length');
      if (signal.rank !== 3) throw new KernelInputError(`signal must have shape [batch, length, 1 or 2], got ${formatShape(signal.dims)}`);
      const parts = complexParts(signal, 'signal');
      if (onesided && parts === 2) throw new KernelInputError('a onesided STFT needs a real signal [batch, length, 1], got a complex one');
      if (window && window.rank !== 1) throw new KernelInputError(`window must be 1-D, got shape ${formatShape(window.dims)}`);
      if (window && window.type !== signal.type) throw new KernelInputError(`window is ${window.type} but signal is ${signal.type}`);
      const [batch, length] = signal.dims;
      const frameLength = frameLengthInput ? scalarOf(frameLengthInput, 'frame_length') : window ? window.dims[0] : length;
      if (window && window.dims[0] !== frameLength) {
        throw new KernelInputError(`window length ${window.dims[0]} differs from frame_length ${frameLength}`);
      }
      if (!(frameLength >= 1 && frameLength <= length)) {
        throw new KernelInputError(`frame_length must be in 1..${length} (the signal length), got ${frameLength}`);
      }
      if (!(step >= 1)) throw new KernelInputError(`frame_step must be positive, got ${step}`);

      const frames = 1 + Math.floor((length - frameLength) / step);
      const bins = onesided ? Math.floor(frameLength / 2) + 1 : frameLength;
      const outDims = checkedDims([batch, frames, bins, 2], 'STFT output');
      const x = computeValues(signal) as NumberArray;
      const w = window ? computeValues(window) as NumberArray : undefined;
      const y = computeBuffer(signal.type, sizeOf(outDims)) as NumberArray;
      const transform = fourierTransform(frameLength, false);
      const re = new Float64Array(frameLength);
      const im = new Float64Array(frameLength);
      for (let b = 0; b < batch; b++) {
        for (let f = 0; f < frames; f++) {
          const start = (b * length + f * step) * parts;
          for (let k = 0; k < frameLength; k++) {
            const scale = w ? w[k] : 1;
            re[k] = x[start + k * parts] * scale;
            im[k] = parts === 2 ? x[start + k * parts + 1] * scale : 0;
          }
          transform.run(re, im);
          const out = ((b * frames + f) * bins) * 2;
          for (let k = 0; k < bins; k++) {
            y[out + 2 * k] = re[k];
            y[out + 2 * k + 1] = im[k];
          }
        }
      }
      return [tensorFromCompute(signal.type, outDims, y)];
    },
  }),
];
