/**
 * DFT along one axis of a tensor whose last dimension holds [real] or [real, imaginary]. The
 * tensor is viewed as [outer, length, inner, parts]; each (outer, inner) lane is copied into
 * double-precision scratch, zero-padded or truncated to dft_length, transformed and written out.
 * onesided+forward (RFFT) keeps the bins 0..n/2 of a real signal; onesided+inverse (IRFFT)
 * rebuilds the full spectrum from those bins by conjugate symmetry and returns the real part.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { checkedDims } from '../support/shape-input.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { fourierTransform } from './fourier-transform.js';

export interface DftOptions {
  readonly inverse: boolean;
  readonly onesided: boolean;
}

/** The axis normalized to [0, rank - 2]: the last dimension holds the complex parts, never a signal. */
export function signalAxis(axis: number, rank: number): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(normalized) || normalized < 0 || normalized > rank - 2) {
    throw new KernelInputError(`axis ${axis} is out of range for rank ${rank} (expected ${-rank}..-2 or 0..${rank - 2})`);
  }
  return normalized;
}

/** Reads the last dimension: 1 for a real signal, 2 for a complex one. */
export function complexParts(input: DenseTensor, what: string): 1 | 2 {
  const parts = input.dims[input.rank - 1];
  if (input.rank < 2 || (parts !== 1 && parts !== 2)) {
    throw new KernelInputError(`${what} must end in a dimension of 1 (real) or 2 (complex), got shape ${formatShape(input.dims)}`);
  }
  return parts;
}

export function dft(input: DenseTensor, axisValue: number, dftLength: number | undefined, { inverse, onesided }: DftOptions): DenseTensor {
  const parts = complexParts(input, 'input');
  const axis = signalAxis(axisValue, input.rank);
  const length = input.dims[axis];
  const irfft = onesided && inverse;
  const rfft = onesided && !inverse;
  if (irfft && parts === 1) throw new KernelInputError('an inverse onesided DFT (IRFFT) needs a complex input [..., 2], got a real one');
  if (rfft && parts === 2) throw new KernelInputError('a forward onesided DFT (RFFT) needs a real input [..., 1], got a complex one');
  const n = dftLength ?? (irfft ? 2 * (length - 1) : length);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new KernelInputError(`dft_length must be a positive integer, got ${n}${dftLength === undefined ? ` (the default for ${length} input bins)` : ''}`);
  }

  const outLength = rfft ? Math.floor(n / 2) + 1 : n;
  const outParts = irfft ? 1 : 2;
  const outDims = checkedDims(input.dims.map((d, i) => (i === axis ? outLength : i === input.rank - 1 ? outParts : d)), 'DFT output');
  const outer = sizeOf(input.dims.slice(0, axis));
  const inner = sizeOf(input.dims.slice(axis + 1, -1));
  const x = computeValues(input) as NumberArray;
  const y = computeBuffer(input.type, sizeOf(outDims)) as NumberArray;
  if (y.length === 0) return tensorFromCompute(input.type, outDims, y);

  const transform = fourierTransform(n, inverse);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  // IRFFT reads the bins 0..n/2 and mirrors the rest; otherwise the first min(n, length) samples.
  const given = Math.min(irfft ? Math.floor(n / 2) + 1 : n, length);
  const scale = inverse ? 1 / n : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      re.fill(0);
      im.fill(0);
      for (let k = 0; k < given; k++) {
        const at = ((o * length + k) * inner + i) * parts;
        re[k] = x[at];
        if (parts === 2) im[k] = x[at + 1];
      }
      if (irfft) {
        for (let k = Math.floor(n / 2) + 1; k < n; k++) {
          re[k] = re[n - k];
          im[k] = -im[n - k];
        }
      }
      transform.run(re, im);
      for (let k = 0; k < outLength; k++) {
        const at = ((o * outLength + k) * inner + i) * outParts;
        y[at] = re[k] * scale;
        if (outParts === 2) y[at + 1] = im[k] * scale;
      }
    }
  }
  return tensorFromCompute(input.type, outDims, y);
}
