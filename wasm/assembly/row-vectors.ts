/**
 * Reading and writing a row of window outputs four at a time, for the direct kernels
 * (depthwise convolution, pooling): the inputs of four consecutive window positions are
 * strideW apart, and a row's last vector may hang past its end, reading the next row or the
 * image's slack (dropped) and storing only the outputs that exist.
 */
import { activate } from './epilogue';
import { bytes } from './layout';
import { outW, strideW } from './window';

/** The 4 floats strideW apart from `at`. */
@inline export function loadColumns(at: usize): v128 {
  return stridedColumns(at, strideW);
}

/** The 4 floats `stride` apart from `at`: for loops that hold the stride in a local. */
@inline export function stridedColumns(at: usize, stride: i32): v128 {
  if (stride == 1) return v128.load(at);
  if (stride == 2) return v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6);
  const step = bytes(stride);
  let v = v128.load32_zero(at);
  v = v128.load32_lane(at + step, v, 1);
  v = v128.load32_lane(at + step * 2, v, 2);
  return v128.load32_lane(at + step * 3, v, 3);
}

/** Stores the outputs at columns ox..ox+3 of a row, or the outW - ox left at its end, activation applied. */
@inline export function storeOutputs(out: usize, ox: i32, v: v128, act: i32): void {
  const r = activate(v, act);
  const at = out + bytes(ox);
  if (ox + 4 <= outW) {
    v128.store(at, r);
    return;
  }
  const count = outW - ox;
  store<f32>(at, f32x4.extract_lane(r, 0));
  if (count > 1) store<f32>(at, f32x4.extract_lane(r, 1), 4);
  if (count > 2) store<f32>(at, f32x4.extract_lane(r, 2), 8);
}
