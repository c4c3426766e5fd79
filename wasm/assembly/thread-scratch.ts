/**
 * The few bytes kernels keep between steps of one call: the micro-kernel's edge tile, the
 * patch packer's lane offsets, the F(4x4) transforms' intermediate vectors. They are found
 * through a global, which every instance has its own of, so instances that share one memory
 * (the parallel convolution, or the conv module in the GEMM heap) each point theirs at a region
 * of their own (setThreadScratch) before a kernel that uses it. Modules that import their
 * memory carry no static data, so there is no region here to fall back on; the GEMM module,
 * alone in its memory, points it at its static data once (gemm.ts).
 */
export const EDGE_TILE_AT: usize = 0; // MR * NR floats
export const LANE_OFFSETS_AT: usize = 160; // NR ints
export const BETWEEN_AT: usize = 192; // 36 vectors
export const COLUMN_AT: usize = 768; // 6 vectors
export const ROWS_AT: usize = 864; // 4 vectors
export const THREAD_SCRATCH_BYTES: i32 = 1024;

export let threadScratch: usize = 0;

/** Bytes a region given to setThreadScratch must have (16-byte aligned). */
export function threadScratchBytes(): i32 {
  return THREAD_SCRATCH_BYTES;
}

/** Points this instance's kernels at `at`. */
export function setThreadScratch(at: usize): void {
  threadScratch = at;
}
