/**
 * The DFT straight from its definition, O(n²) in double precision, as an independent oracle
 * for the FFT and Bluestein paths: X[k] = Σ_j x[j] e^(∓2πi jk/n), unnormalized.
 */
export interface Complex {
  readonly re: number[];
  readonly im: number[];
}

export function naiveDft(x: Complex, inverse: boolean): Complex {
  const n = x.re.length;
  const sign = inverse ? 1 : -1;
  const re = new Array<number>(n).fill(0);
  const im = new Array<number>(n).fill(0);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      // jk mod n keeps the angle small and exact.
      const angle = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      re[k] += x.re[j] * c - x.im[j] * s;
      im[k] += x.re[j] * s + x.im[j] * c;
    }
  }
  return { re, im };
}
