/**
 * Runs of consecutive slices in a list of slice offsets. Index kernels copy one small slice per
 * index (often one element); where the offsets rise a slice at a time, as constant indices that
 * pick a window or a block of rows do, a run of them is one copy. Runs are worth finding once
 * per constant index tensor (constant-indices.ts), not per call.
 */

/** Fewer indices per run on average than this, and copying them one by one is as fast. */
const MIN_AVERAGE_RUN = 4;

/**
 * The runs of `offsets` that rise by `step`, as (first position, count) pairs: offsets[first + i]
 * is offsets[first] + i * step for i < count. Undefined where runs average fewer than
 * MIN_AVERAGE_RUN offsets.
 */
export function consecutiveRuns(offsets: ArrayLike<number>, step: number): Int32Array | undefined {
  const n = offsets.length;
  let runs = 0;
  for (let t = 0; t < n; t++) if (t === 0 || offsets[t] !== offsets[t - 1] + step) runs++;
  if (runs * MIN_AVERAGE_RUN > n) return undefined;
  const pairs = new Int32Array(2 * runs);
  let at = -2;
  for (let t = 0; t < n; t++) {
    if (t === 0 || offsets[t] !== offsets[t - 1] + step) {
      at += 2;
      pairs[at] = t;
    }
    pairs[at + 1]++;
  }
  return pairs;
}
