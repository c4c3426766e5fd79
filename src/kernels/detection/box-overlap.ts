/**
 * Whether two boxes overlap by more than an IoU threshold, for NonMaxSuppression. Every step is
 * rounded to float32 (the op's only box type) in onnxruntime's order, so an IoU that lands exactly
 * on the threshold compares the same way it does there: such a box is kept.
 */
const f = Math.fround;

/** A box as its x and y extents, whatever corner order or format it came in. */
export interface BoxExtent {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/** Box `index` of `boxes`: [y1, x1, y2, x2] (any diagonal corners) or, with centerPointBox, [xc, yc, w, h]. */
export function boxExtent(boxes: Float32Array, index: number, centerPointBox: boolean): BoxExtent {
  const b = index * 4;
  if (centerPointBox) {
    const halfWidth = f(boxes[b + 2] / 2);
    const halfHeight = f(boxes[b + 3] / 2);
    return {
      xMin: f(boxes[b] - halfWidth),
      xMax: f(boxes[b] + halfWidth),
      yMin: f(boxes[b + 1] - halfHeight),
      yMax: f(boxes[b + 1] + halfHeight),
    };
  }
  return {
    xMin: Math.min(boxes[b + 1], boxes[b + 3]),
    xMax: Math.max(boxes[b + 1], boxes[b + 3]),
    yMin: Math.min(boxes[b], boxes[b + 2]),
    yMax: Math.max(boxes[b], boxes[b + 2]),
  };
}

export function overlapsBeyond(a: BoxExtent, b: BoxExtent, iouThreshold: number): boolean {
  const xMin = Math.max(a.xMin, b.xMin);
  const xMax = Math.min(a.xMax, b.xMax);
  if (xMax <= xMin) return false;
  const yMin = Math.max(a.yMin, b.yMin);
  const yMax = Math.min(a.yMax, b.yMax);
  if (yMax <= yMin) return false;
  const intersection = f(f(xMax - xMin) * f(yMax - yMin));
  if (intersection <= 0) return false;
  const areaA = f(f(a.xMax - a.xMin) * f(a.yMax - a.yMin));
  const areaB = f(f(b.xMax - b.xMin) * f(b.yMax - b.yMin));
  const union = f(f(areaA + areaB) - intersection);
  if (areaA <= 0 || areaB <= 0 || union <= 0) return false;
  return f(intersection / union) > iouThreshold;
}
