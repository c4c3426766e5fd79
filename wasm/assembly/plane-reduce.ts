/**
 * One value per plane of `planeSize` contiguous floats: the mean (GlobalAveragePool,
 * ReduceMean over trailing axes), the sum (ReduceSum) or the maximum (GlobalMaxPool). Eight partial results in two vectors break the loop-carried
 * dependency; the tail is read one lane at a time, so nothing past the last plane is read.
 * The maximum follows the TypeScript kernel: a NaN never replaces a maximum (pmax keeps its
 * first operand unless the second is larger), so a plane of NaNs alone gives -Infinity.
 */

export const PLANE_MEAN: i32 = 0;
export const PLANE_MAX: i32 = 1;
export const PLANE_SUM: i32 = 2;

@inline function combine(op: i32, a: v128, b: v128): v128 {
  return op === PLANE_MAX ? f32x4.pmax(a, b) : f32x4.add(a, b);
}

@inline function combineLane(op: i32, a: f32, b: f32): f32 {
  return op === PLANE_MAX ? (b > a ? b : a) : a + b;
}

@inline function reducePlanes(op: i32, x: usize, y: usize, planes: i32, planeSize: i32): void {
  const start = op === PLANE_MAX ? f32x4.splat(-Infinity) : f32x4.splat(0);
  const eights = planeSize & ~7;
  const fours = planeSize & ~3;
  let at = x;
  for (let plane = 0; plane < planes; plane++) {
    let v0 = start;
    let v1 = start;
    let i = 0;
    for (; i < eights; i += 8, at += 32) {
      v0 = combine(op, v0, v128.load(at));
      v1 = combine(op, v1, v128.load(at, 16));
    }
    if (i < fours) {
      v0 = combine(op, v0, v128.load(at));
      i += 4;
      at += 16;
    }
    const v = combine(op, v0, v1);
    let r = combineLane(op, combineLane(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), combineLane(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
    for (; i < planeSize; i++, at += 4) r = combineLane(op, r, load<f32>(at));
    store<f32>(y + (<usize>plane << 2), op === PLANE_MEAN ? r / <f32>planeSize : r);
  }
}

export function planeReduce(op: i32, x: usize, y: usize, planes: i32, planeSize: i32): void {
  if (op === PLANE_MEAN) reducePlanes(PLANE_MEAN, x, y, planes, planeSize);
  else if (op === PLANE_SUM) reducePlanes(PLANE_SUM, x, y, planes, planeSize);
  else reducePlanes(PLANE_MAX, x, y, planes, planeSize);
}
