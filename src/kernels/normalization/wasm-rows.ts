/**
 * The row-wise normalizations (LayerNormalization, RMS normalization and their skip forms) on
 * the elementwise WebAssembly module, for float32 values (and float16, computed as float32)
 * whose Scale and B are one value per row element, on the intra-op threads where the rows are
 * many (the same bits as one thread). Within 1e-5 of the TypeScript loops, which stay the
 * fallback and the reference.
 */
import { parallelNormalizeRowsF32 } from '../../backends/threads/intra-op.js';
import { wasmNormalizeRowsF32, type RowNormalization } from '../../backends/wasm/elementwise-host.js';
import type { NumberArray } from '../support/numeric.js';
import type { Moments } from './moments.js';

export interface RowOperands {
  readonly x: NumberArray;
  readonly out: NumberArray;
  readonly scale: NumberArray;
  readonly beta?: NumberArray;
  readonly skip?: NumberArray;
  readonly bias?: NumberArray;
  /** Where the skip forms' x + skip + bias goes, when the node lists that output. */
  readonly sum?: NumberArray;
  readonly rows: number;
  readonly length: number;
  readonly epsilon: number;
  /** false: RMS normalization (the mean taken as 0). */
  readonly centered: boolean;
}

const isFloat32 = (a: NumberArray | undefined): boolean => a === undefined || a instanceof Float32Array;

/** Each row's mean (0 uncentered) and 1 / sqrt(variance + epsilon) when the module normalized the rows into out; else undefined. */
export function normalizeRowsInWasm(o: RowOperands): Moments | undefined {
  const arrays = [o.x, o.out, o.scale, o.beta, o.skip, o.bias, o.sum];
  if (!arrays.every(isFloat32)) return undefined;
  const mean = new Float64Array(o.rows);
  const invStdDev = new Float64Array(o.rows);
  const rows: RowNormalization = {
    x: o.x as Float32Array,
    out: o.out as Float32Array,
    scale: o.scale as Float32Array,
    beta: o.beta as Float32Array | undefined,
    skip: o.skip as Float32Array | undefined,
    bias: o.bias as Float32Array | undefined,
    sum: o.sum as Float32Array | undefined,
    mean,
    invStdDev,
    length: o.length,
    epsilon: o.epsilon,
    centered: o.centered,
  };
  return parallelNormalizeRowsF32(rows) || wasmNormalizeRowsF32(rows) ? { mean, invStdDev } : undefined;
}
