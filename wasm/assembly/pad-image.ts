/**
 * Copies image planes into the window's planes (planeH x planeW), surrounded by a constant:
 * 0 for convolution, -inf for max pooling. Padding the image once costs one pass over it;
 * in exchange the kernels, which read every element once per tap, never test a bound.
 */
import { bytes } from './layout';
import { planeH, planeW } from './window';

/**
 * `channels` planes of h x w at x, each placed at row top and column left of its padded plane
 * at out. top and left may be negative (pooling's SAME padding can shift windows into the
 * image), and the image may reach past the plane: only the part inside the plane is copied.
 */
export function padImage(x: usize, channels: i32, h: i32, w: i32, top: i32, left: i32, fill: f32, out: usize): void {
  const rowFrom = max(0, -top), rowTo = min(h, planeH - top);
  const colFrom = max(0, -left), colTo = min(w, planeW - left);
  const width = max(0, colTo - colFrom);
  const before = min(planeW, left + colFrom);
  const after = planeW - before - width;
  const planeBytes = bytes(planeH * planeW);
  for (let c = 0; c < channels; c++, x += bytes(h * w), out += planeBytes) {
    const firstRow = max(0, top + rowFrom);
    const lastRow = max(firstRow, top + rowTo);
    fillFloats(out, firstRow * planeW, fill);
    for (let r = rowFrom; r < rowTo; r++) {
      const dst = out + bytes((top + r) * planeW);
      fillFloats(dst, before, fill);
      memory.copy(dst + bytes(before), x + bytes(r * w + colFrom), bytes(width));
      fillFloats(dst + bytes(before + width), after, fill);
    }
    fillFloats(out + bytes(lastRow * planeW), (planeH - lastRow) * planeW, fill);
  }
}

export function fillFloats(at: usize, count: i32, value: f32): void {
  const v = f32x4.splat(value);
  const end = at + bytes(count);
  for (; at + 16 <= end; at += 16) v128.store(at, v);
  for (; at < end; at += 4) store<f32>(at, value);
}
