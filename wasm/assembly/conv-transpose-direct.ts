/**
 * ConvTranspose by direct scatter over one- and two-dimensional images, for products too small
 * for the GEMM and col2im to pay (few channels per group, short images): each input row times
 * each tap adds into the output row that tap reaches, over the input columns whose outputs lie
 * inside the image (worked out once per tap, so the inner loops test nothing). Unit column
 * strides add four columns per vector; other strides go one column at a time. Y starts from the
 * bias (or zeros); the sums then run over input channels, then taps, in ascending order.
 */
import { bytes, madd } from './layout';

/** The first i >= 0 with i * stride + offset >= 0. */
@inline function firstValid(stride: i32, offset: i32): i32 {
  return offset >= 0 ? 0 : (stride - 1 - offset) / stride;
}

/** One past the last i < count with i * stride + offset < limit. */
@inline function endValid(count: i32, stride: i32, offset: i32, limit: i32): i32 {
  const last = limit - 1 - offset;
  return last < 0 ? 0 : min(count, last / stride + 1);
}

/** y[i * stride] += weight * x[i] for i in [0, count). */
@inline function addScaled(x: usize, y: usize, count: i32, weight: f32, stride: i32): void {
  if (stride == 1) {
    const w = f32x4.splat(weight);
    let i = 0;
    for (; i + 4 <= count; i += 4) {
      const at = bytes(i);
      v128.store(y + at, madd(v128.load(x + at), w, v128.load(y + at)));
    }
    for (; i < count; i++) {
      const at = bytes(i);
      store<f32>(y + at, load<f32>(y + at) + weight * load<f32>(x + at));
    }
    return;
  }
  const step = bytes(stride);
  let to = y;
  for (let i = 0; i < count; i++, to += step) store<f32>(to, load<f32>(to) + weight * load<f32>(x + bytes(i)));
}

/**
 * Y = ConvTranspose(X, W) + bias: x [batch, group * inPerGroup, gridH, gridW], w [group *
 * inPerGroup, outPerGroup, kH, kW], y [batch, group * outPerGroup, outH, outW] (every element
 * written); `bias`: one float per output channel, or 0 for none.
 */
export function convTransposeDirect(
  x: usize, w: usize, bias: usize, y: usize, batch: i32, group: i32, inPerGroup: i32, outPerGroup: i32,
  gridH: i32, gridW: i32, outH: i32, outW: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, pH: i32, pW: i32,
): void {
  const inSize = gridH * gridW;
  const outSize = outH * outW;
  const taps = kH * kW;
  const channels = group * outPerGroup;
  for (let plane = 0; plane < batch * channels; plane++) {
    const value: f32 = bias ? load<f32>(bias + bytes(plane % channels)) : 0;
    const start = y + bytes(plane * outSize);
    for (let i = 0; i < outSize; i++) store<f32>(start + bytes(i), value);
  }
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < group; g++) {
      for (let ic = 0; ic < inPerGroup; ic++) {
        const channelIn = g * inPerGroup + ic;
        const xPlane = x + bytes((n * group * inPerGroup + channelIn) * inSize);
        for (let oc = 0; oc < outPerGroup; oc++) {
          const yPlane = y + bytes((n * channels + g * outPerGroup + oc) * outSize);
          const wTaps = w + bytes((channelIn * outPerGroup + oc) * taps);
          for (let ky = 0; ky < kH; ky++) {
            const rowOffset = ky * dH - pH;
            const iyLo = firstValid(sH, rowOffset);
            const iyHi = endValid(gridH, sH, rowOffset, outH);
            for (let kx = 0; kx < kW; kx++) {
              const colOffset = kx * dW - pW;
              const ixLo = firstValid(sW, colOffset);
              const ixHi = endValid(gridW, sW, colOffset, outW);
              if (ixLo >= ixHi) continue;
              const weight = load<f32>(wTaps + bytes(ky * kW + kx));
              for (let iy = iyLo; iy < iyHi; iy++) {
                addScaled(
                  xPlane + bytes(iy * gridW + ixLo), yPlane + bytes((iy * sH + rowOffset) * outW + ixLo * sW + colOffset),
                  ixHi - ixLo, weight, sW,
                );
              }
            }
          }
        }
      }
    }
  }
}
