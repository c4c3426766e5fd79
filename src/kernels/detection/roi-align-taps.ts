/**
 * Where RoiAlign samples one RoI along one axis. A bin of the pooled output covers bin_size
 * input pixels and is sampled at `grid` evenly spaced points; each point interpolates
 * bilinearly between two neighbouring pixels. The 2-D weights are products of the two axes'
 * weights, so taps are computed per axis: O(pooled × grid) each instead of per sample point.
 */

/** One sample coordinate: the two pixels it falls between and their weights (all 0 when outside). */
export interface AxisTaps {
  readonly low: Int32Array;
  readonly high: Int32Array;
  readonly lowWeight: Float64Array;
  readonly highWeight: Float64Array;
}

/**
 * Taps for pooled index p and grid point g at p * grid + g. A point more than one pixel outside
 * the map contributes nothing; one within a pixel of the edge is clamped onto it (as Detectron,
 * onnxruntime and the ONNX reference do).
 */
export function axisTaps(start: number, binSize: number, pooled: number, grid: number, extent: number): AxisTaps {
  const count = pooled * grid;
  const taps: AxisTaps = {
    low: new Int32Array(count),
    high: new Int32Array(count),
    lowWeight: new Float64Array(count),
    highWeight: new Float64Array(count),
  };
  for (let p = 0; p < pooled; p++) {
    for (let g = 0; g < grid; g++) {
      const t = p * grid + g;
      let at = start + p * binSize + ((g + 0.5) * binSize) / grid;
      if (at < -1 || at > extent) continue;
      at = Math.max(at, 0);
      let low = Math.trunc(at);
      let high = low + 1;
      if (low >= extent - 1) {
        low = high = extent - 1;
        at = low;
      }
      const frac = at - low;
      taps.low[t] = low;
      taps.high[t] = high;
      taps.lowWeight[t] = 1 - frac;
      taps.highWeight[t] = frac;
    }
  }
  return taps;
}
