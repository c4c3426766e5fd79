/**
 * The few bytes kernels keep between steps of one call: the micro-kernel's edge tile, the
 * patch packer's lane offsets, the F(4x4) transforms' intermediate vectors. They are found
 * through a global, which every instance has its own of, so instances that share one memory
 * (the parallel convolution) each point theirs at a region of their own (setThreadScratch);
 * an instance that is alone keeps the static region below the heap.
 */
export const EDGE_TILE_AT: usize = 0; // MR * NR floats
export const LANE_OFFSETS_AT: usize = 160; // NR ints
export const BETWEEN_AT: usize = 192; // 36 vectors
export const COLUMN_AT: usize = 768; // 6 vectors
export const ROWS_AT: usize = 864; // 4 vectors
const THREAD_SCRATCH_BYTES: i32 = 1024;

const own = memory.data(THREAD_SCRATCH_BYTES, 16);

export let threadScratch: usize = own;

/** Bytes a region given to setThreadScratch must have (16-byte aligned). */
export function threadScratchBytes(): i32 {
  return THREAD_SCRATCH_BYTES;
}

/** Points this instance's kernels at `at` (0: back at the static region). */
export function setThreadScratch(at: usize): void {
  threadScratch = at == 0 ? own : at;
}
