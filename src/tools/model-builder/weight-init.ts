/**
 * How the builder fills a float parameter. He and Xavier are the uniform variants PyTorch uses
 * (kaiming_uniform_ with ReLU gain, xavier_uniform_): scaled by fan-in/fan-out so activations
 * keep roughly unit variance through deep stacks and stay well inside float32 range.
 */
import type { Lcg } from './lcg.js';

export type WeightInit =
  /** U(-b, b) with b = sqrt(6 / fanIn): keeps the variance of ReLU-like activations. */
  | { readonly kind: 'he'; readonly fanIn: number }
  /** U(-b, b) with b = sqrt(6 / (fanIn + fanOut)). */
  | { readonly kind: 'xavier'; readonly fanIn: number; readonly fanOut: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'constant'; readonly value: number }
  /** Exact values, e.g. a fixed DFL projection or anchor grid. */
  | { readonly kind: 'values'; readonly values: ArrayLike<number> };

function bounds(init: WeightInit): [number, number] | undefined {
  switch (init.kind) {
    case 'he': {
      const b = Math.sqrt(6 / init.fanIn);
      return [-b, b];
    }
    case 'xavier': {
      const b = Math.sqrt(6 / (init.fanIn + init.fanOut));
      return [-b, b];
    }
    case 'uniform':
      return [init.low, init.high];
    default:
      return undefined;
  }
}

/** `count` values drawn from `rng` (constants and exact values draw nothing). */
export function fillWeights(init: WeightInit, count: number, rng: Lcg): Float32Array {
  if (init.kind === 'constant') return new Float32Array(count).fill(init.value);
  if (init.kind === 'values') {
    if (init.values.length !== count) throw new RangeError(`a parameter of ${count} elements was given ${init.values.length} values`);
    return Float32Array.from(init.values);
  }
  const [low, high] = bounds(init) as [number, number];
  const out = new Float32Array(count);
  rng.fillUniform(out, low, high);
  return out;
}
