/**
 * The 32-bit LCG of ../shared/models/MANIFEST.json: x = (1103515245·x + 12345) mod 2^32,
 * u = (x >>> 1) / 2^31. Cheap, identical on every host, and the same recipe the real-model
 * inputs use, so builder weights and benchmark feeds come from one documented generator.
 */
export class Lcg {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (Math.imul(1103515245, this.state) + 12345) >>> 0;
    return (this.state >>> 1) / 2 ** 31;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /**
   * Fills `out` with the values repeated uniform() calls would give; the state lives in a local
   * meanwhile, which makes 110M weights take under a second instead of about four.
   */
  fillUniform(out: Float32Array, low: number, high: number): void {
    const span = high - low;
    let state = this.state;
    for (let i = 0; i < out.length; i++) {
      state = (Math.imul(1103515245, state) + 12345) >>> 0;
      out[i] = low + span * ((state >>> 1) / 2 ** 31);
    }
    this.state = state;
  }
}
