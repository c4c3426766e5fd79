/**
 * Flushing subnormal floats to zero. WebAssembly gives no flush-to-zero mode, and on x86 every
 * multiply with a subnormal operand takes a microcode assist, around a hundred cycles: weights
 * exported by real models hold them (a third of some depthwise kernels), which made those
 * convolutions twenty times slower. A subnormal weight adds under 1.2e-38 times an input to a
 * sum, far below float32 rounding of any sum it is in, so weights and biases are flushed once
 * as they are copied in.
 */
import { bytes } from './layout';

/** The smallest normal float32, 2^-126. */
const SMALLEST_NORMAL: f32 = 1.1754943508222875e-38;

/** Sets the subnormal floats among `count` at `at` to zero (of the same sign). */
export function flushDenormals(at: usize, count: i32): void {
  const smallest = f32x4.splat(SMALLEST_NORMAL);
  const signs = i32x4.splat(0x80000000);
  const end = at + bytes(count);
  for (; at + 16 <= end; at += 16) {
    const v = v128.load(at);
    const tiny = f32x4.lt(f32x4.abs(v), smallest);
    v128.store(at, v128.bitselect(v128.and(v, signs), v, tiny));
  }
  for (; at < end; at += 4) {
    const x = load<f32>(at);
    if (Mathf.abs(x) < SMALLEST_NORMAL) store<f32>(at, copysign<f32>(0, x));
  }
}
