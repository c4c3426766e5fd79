/**
 * A per-channel affine map over rows, y = x * factor[c] + shift[c], as inference-mode
 * BatchNormalization folds to: x is [rows, inner] with row r in channel (firstRow + r) mod
 * channels. The product is rounded to float32 before the add (never fused), so the host's
 * TypeScript loop, which rounds the same way, gives the same bits.
 */

/** out[r, i] = x[r, i] * factors[c] + shifts[c] with c = (firstRow + r) mod channels; out may be x. */
export function channelAffine(x: usize, out: usize, factors: usize, shifts: usize, firstRow: i32, rows: i32, channels: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  const whole = <usize>(inner & ~3) << 2;
  const pairs = <usize>(inner & ~7) << 2;
  let c = firstRow % channels;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const or = out + <usize>r * rowBytes;
    const cAt = <usize>c << 2;
    const f = v128.load32_splat(factors + cAt);
    const s = v128.load32_splat(shifts + cAt);
    let at: usize = 0;
    for (; at < pairs; at += 32) {
      const a = v128.load(xr + at);
      const b = v128.load(xr + at, 16);
      v128.store(or + at, f32x4.add(f32x4.mul(a, f), s));
      v128.store(or + at, f32x4.add(f32x4.mul(b, f), s), 16);
    }
    for (; at < whole; at += 16) v128.store(or + at, f32x4.add(f32x4.mul(v128.load(xr + at), f), s));
    const fs = f32x4.extract_lane(f, 0);
    const ss = f32x4.extract_lane(s, 0);
    for (; at < rowBytes; at += 4) store<f32>(or + at, load<f32>(xr + at) * fs + ss);
    if (++c == channels) c = 0;
  }
}
