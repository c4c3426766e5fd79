/**
 * Entry of the f32 GEMM module: C = alpha * A . B + beta * C on row-major matrices in this
 * module's memory, B already packed by packB. The host (src/wasm/wasm-gemm.ts) copies operands
 * in, calls packB (or copies a prepacked B), then gemm, and copies C out.
 *
 * Loops in the GotoBLAS / BLIS order: a KC x NC block of packed B is walked by every MC x KC
 * block of A (packed here, per block, into `pa`), NR-column B panels outside MR-row A panels
 * so one B panel stays in L1 while the A block streams from L2.
 */
import { ACT_NONE } from './epilogue';
import { KC, MC, MR, NC, NR, bytes, roundUp } from './layout';
import { packA } from './pack';
import { microKernel } from './micro-kernel';
import { THREAD_SCRATCH_BYTES, setThreadScratch } from './thread-scratch';

export { packB, packedBLength } from './pack';
export { gemvCols, gemvPacked, gemvRows } from './gemv';

// This module has its memory to itself: its kernels' thread scratch is a region of its static data.
setThreadScratch(memory.data(THREAD_SCRATCH_BYTES, 16));

/** Where the host may start placing buffers: after this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Floats the host reserves at `pa` for one packed block of A. */
export function packedALength(): i32 {
  return MC * KC;
}

export function gemm(
  m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, pb: usize,
  c: usize, ldc: i32, alpha: f32, beta: f32, pa: usize,
): void {
  const nPad = roundUp(n, NR);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const bBlock = pb + bytes(pc * nPad + jc * kc);
      // beta applies once, with the first k block; later blocks accumulate onto it.
      const blockBeta: f32 = pc == 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, lda, transA, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const bPanel = bBlock + bytes(jr * kc);
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const cTile = c + bytes((ic + ir) * ldc + jc + jr);
            microKernel(kc, pa + bytes(ir * kc), bPanel, cTile, ldc, alpha, blockBeta, min(MR, mc - ir), cols, 0, ACT_NONE);
          }
        }
      }
    }
  }
}
