/**
 * How a GEMM is cut into blocks of C for several threads, each block itself a GEMM on views
 * of the same A, B and C.
 *
 * The blocks are bit-identical to the one-thread product: the WebAssembly kernel computes each
 * MR x NR tile of C on its own (the whole k loop, in KC blocks, for that tile alone), so a
 * block whose first row is a multiple of MR and first column a multiple of NR is cut into the
 * very tiles the whole product is, each summed in the same order by the same code. MR and NR
 * are those of wasm/assembly/layout.ts; test/threads/parallel-gemm.test.ts checks the identity.
 *
 * The larger of m and n is cut: every block needs all of the other operand, so cutting the
 * larger side copies the least.
 */
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import { MR, NR } from '../wasm/micro-tile.js';

/** Rows [row0, row1) by columns [col0, col1) of C. */
export interface GemmBlock {
  readonly row0: number;
  readonly row1: number;
  readonly col0: number;
  readonly col1: number;
}

export interface GemmSplit {
  /** Which side of C is cut: 'rows' (each block needs all of B) or 'cols' (all of A). */
  readonly axis: 'rows' | 'cols';
  readonly blocks: readonly GemmBlock[];
}

/** Up to `parts` blocks of tile-aligned, near-equal size (fewer where the side is short). */
export function splitGemm(m: number, n: number, parts: number): GemmSplit {
  const axis = m > n ? 'rows' : 'cols';
  const [length, unit] = axis === 'rows' ? [m, MR] : [n, NR];
  const units = Math.ceil(length / unit);
  const count = Math.max(1, Math.min(parts, units));
  const blocks: GemmBlock[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * units) / count) * unit;
    const end = Math.min(length, Math.floor(((i + 1) * units) / count) * unit);
    blocks.push(axis === 'rows' ? { row0: start, row1: end, col0: 0, col1: n } : { row0: 0, row1: m, col0: start, col1: end });
  }
  return { axis, blocks };
}

/** The block as a GEMM of its own on views of op's operands (same arrays, shifted offsets). */
export function blockOperands(op: GemmOperands, block: GemmBlock): GemmOperands {
  const { row0, row1, col0, col1 } = block;
  return {
    ...op,
    m: row1 - row0,
    n: col1 - col0,
    aOffset: op.aOffset + (op.transA ? row0 : row0 * op.lda),
    bOffset: op.bOffset + (op.transB ? col0 * op.ldb : col0),
    cOffset: op.cOffset + row0 * op.ldc + col0,
  };
}
