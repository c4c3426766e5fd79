/**
 * The complex discrete Fourier transform of one length, planned once and applied to many lanes:
 * an iterative radix-2 FFT when the length is a power of two, otherwise Bluestein's chirp-z
 * algorithm, which rewrites the DFT as a convolution computed with power-of-two FFTs. Both are
 * O(n log n), so a long odd-length DFT does not take O(n²). Everything is double precision, and
 * twiddles are evaluated directly (never by recurrence) so rounding does not compound with n.
 */

const isPowerOfTwo = (n: number): boolean => (n & (n - 1)) === 0;

/** The unnormalized DFT of length `n`; `inverse` flips the exponent's sign (no 1/n scaling). */
export interface FourierTransform {
  readonly length: number;
  /** Transforms the first `length` entries of `re` and `im` in place. */
  run(re: Float64Array, im: Float64Array): void;
}

class Radix2Transform implements FourierTransform {
  private readonly reversed: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly length: number, inverse: boolean) {
    const n = length;
    this.reversed = new Uint32Array(n);
    const bits = Math.log2(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.reversed[i] = r;
    }
    const sign = inverse ? 1 : -1;
    const half = Math.floor(n / 2);
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = sign * Math.sin((2 * Math.PI * k) / n);
    }
  }

  run(re: Float64Array, im: Float64Array): void {
    const n = this.length;
    for (let i = 0; i < n; i++) {
      const j = this.reversed[i];
      if (j > i) {
        const tr = re[i]; re[i] = re[j]; re[j] = tr;
        const ti = im[i]; im[i] = im[j]; im[j] = ti;
      }
    }
    for (let size = 2; size <= n; size *= 2) {
      const half = size / 2;
      const stride = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * stride];
          const wi = this.sin[k * stride];
          const a = start + k;
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}

/**
 * X[k] = w[k] · Σ_j (x[j] w[j]) conj(w[k - j]) with the chirp w[k] = e^(∓iπk²/n), since
 * kj = (k² + j² - (k - j)²) / 2. The convolution runs as a cyclic one of a power-of-two length
 * m >= 2n - 1, through the FFT of the fixed chirp computed once here.
 */
class BluesteinTransform implements FourierTransform {
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  private readonly kernelRe: Float64Array;
  private readonly kernelIm: Float64Array;
  private readonly forward: Radix2Transform;
  private readonly backward: Radix2Transform;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;

  constructor(readonly length: number, inverse: boolean) {
    const n = length;
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    this.forward = new Radix2Transform(m, false);
    this.backward = new Radix2Transform(m, true);
    const sign = inverse ? 1 : -1;
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    // k² mod 2n, updated as (k + 1)² = k² + 2k + 1, keeps the angle small and exact for any k.
    for (let k = 0, square = 0; k < n; k++, square = (square + 2 * k - 1) % (2 * n)) {
      const angle = (Math.PI * square) / n;
      this.chirpRe[k] = Math.cos(angle);
      this.chirpIm[k] = sign * Math.sin(angle);
    }
    this.kernelRe = new Float64Array(m);
    this.kernelIm = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      this.kernelRe[k] = this.chirpRe[k];
      this.kernelIm[k] = -this.chirpIm[k];
      if (k > 0) {
        this.kernelRe[m - k] = this.chirpRe[k];
        this.kernelIm[m - k] = -this.chirpIm[k];
      }
    }
    this.forward.run(this.kernelRe, this.kernelIm);
    this.workRe = new Float64Array(m);
    this.workIm = new Float64Array(m);
  }

  run(re: Float64Array, im: Float64Array): void {
    const n = this.length;
    const m = this.workRe.length;
    const { chirpRe, chirpIm, workRe, workIm } = this;
    workRe.fill(0);
    workIm.fill(0);
    for (let k = 0; k < n; k++) {
      workRe[k] = re[k] * chirpRe[k] - im[k] * chirpIm[k];
      workIm[k] = re[k] * chirpIm[k] + im[k] * chirpRe[k];
    }
    this.forward.run(workRe, workIm);
    for (let k = 0; k < m; k++) {
      const r = workRe[k] * this.kernelRe[k] - workIm[k] * this.kernelIm[k];
      workIm[k] = workRe[k] * this.kernelIm[k] + workIm[k] * this.kernelRe[k];
      workRe[k] = r;
    }
    this.backward.run(workRe, workIm);
    for (let k = 0; k < n; k++) {
      const cr = workRe[k] / m;
      const ci = workIm[k] / m;
      re[k] = cr * chirpRe[k] - ci * chirpIm[k];
      im[k] = cr * chirpIm[k] + ci * chirpRe[k];
    }
  }
}

export function fourierTransform(length: number, inverse: boolean): FourierTransform {
  return isPowerOfTwo(length) ? new Radix2Transform(length, inverse) : new BluesteinTransform(length, inverse);
}
