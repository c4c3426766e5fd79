/**
 * The random stream behind the random ops: numpy's legacy Mersenne Twister, seeded from the
 * op's `seed` attribute (truncated to a 32-bit integer) or, without one, from Math.random.
 * Each run starts a fresh stream, so a seeded node gives the same tensor every time it runs.
 */
import { Mt19937 } from '../tensor/mt19937.js';

export class RandomSource {
  private readonly mt: Mt19937;
  private spareNormal: number | undefined;

  constructor(seed: number | undefined) {
    this.mt = new Mt19937(seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Math.trunc(seed) >>> 0);
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return this.mt.nextDouble();
  }

  /** Standard normal, by the polar method (numpy's legacy gauss), which yields values in pairs. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let x: number, y: number, r2: number;
    do {
      x = 2 * this.uniform() - 1;
      y = 2 * this.uniform() - 1;
      r2 = x * x + y * y;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spareNormal = f * x;
    return f * y;
  }
}
