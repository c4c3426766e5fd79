/**
 * The NHWC kernels in TypeScript, for where WebAssembly is off or not loaded: the same
 * arithmetic as wasm/assembly/nhwc-conv.ts, one channel at a time.
 */
import { applyConvEpilogue } from '../conv/conv-epilogue.js';
import type { NhwcDepthwiseOperands, NhwcEpilogue } from '../../backends/wasm/nhwc-wasm.js';

/** y[r, c] = activation(y[r, c] + bias[c] + z[r, c]), in place. */
export function nhwcEpilogueLoop(y: Float32Array, channels: number, { bias, residual, activation }: NhwcEpilogue): void {
  if (bias) for (let at = 0; at < y.length; at += channels) for (let c = 0; c < channels; c++) y[at + c] += bias[c];
  applyConvEpilogue(y, { residual: residual && { dims: [residual.length], values: residual }, activation });
}

/** Depthwise convolution over NHWC images; taps that fall in the padding are skipped. */
export function nhwcDepthwiseLoop(op: NhwcDepthwiseOperands): void {
  const { x, taps, y, batch, channels: ch, inH, inW, outH, outW, kernel: [kh, kw], strides: [sh, sw], padsBegin: [pt, pl], dilations: [dh, dw] } = op;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const out = ((n * outH + oy) * outW + ox) * ch;
        for (let c = 0; c < ch; c++) y[out + c] = op.bias ? op.bias[c] : 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            const from = ((n * inH + iy) * inW + ix) * ch;
            const tap = (ky * kw + kx) * ch;
            for (let c = 0; c < ch; c++) y[out + c] += x[from + c] * taps[tap + c];
          }
        }
      }
    }
  }
  nhwcEpilogueLoop(y, ch, { residual: op.residual, activation: op.activation });
}
