/** Seeded random data for tests: reproducible across runs and machines. */
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { allocateStorage, type DataType } from '../../src/tensor/element-type.js';
import { numberToFloat16Bits } from '../../src/tensor/numeric/float16.js';
import { numberToBfloat16Bits } from '../../src/tensor/numeric/bfloat16.js';
import { sizeOf } from '../../src/tensor/shape.js';
import { Tensor } from '../../src/index.js';
import { Lcg } from '../../src/tools/model-builder/lcg.js';

/** The manifest's 32-bit LCG with the helpers tests draw shapes and integers with. */
export class Rng extends Lcg {
  constructor(seed = 42) {
    super(seed);
  }
  int(min: number, maxInclusive: number): number {
    return Math.floor(this.uniform(min, maxInclusive + 1));
  }
  shape(rank: number, maxDim = 5, minDim = 1): number[] {
    return Array.from({ length: rank }, () => this.int(minDim, maxDim));
  }
  /** `count` float32 values drawn uniformly from [low, high). */
  floats(count: number, low = -1, high = 1): Float32Array {
    return Float32Array.from({ length: count }, () => this.uniform(low, high));
  }
}

/** Random values of `type`: floats in [min, max), integers in [min, max], bools 50/50. */
export function randomDense(type: DataType, dims: readonly number[], rng: Rng, min = -3, max = 3): DenseTensor {
  const n = sizeOf(dims);
  const data = allocateStorage(type, n) as unknown as unknown[];
  for (let i = 0; i < n; i++) {
    const u = rng.uniform(min, max);
    switch (type) {
      case 'float16': data[i] = numberToFloat16Bits(u); break;
      case 'bfloat16': data[i] = numberToBfloat16Bits(u); break;
      case 'float32': case 'float64': data[i] = u; break;
      case 'int64': case 'uint64': data[i] = BigInt(Math.floor(u)); break;
      case 'bool': data[i] = rng.next() < 0.5 ? 1 : 0; break;
      case 'string': data[i] = `s${Math.floor(u * 10)}`; break;
      default: data[i] = Math.floor(u);
    }
  }
  return new DenseTensor(type, dims, data as never);
}

export function randomTensor(type: DataType, dims: readonly number[], rng: Rng, min = -3, max = 3): Tensor {
  const t = randomDense(type, dims, rng, min, max);
  return new Tensor(type as Tensor.Type, t.data as never, dims);
}
