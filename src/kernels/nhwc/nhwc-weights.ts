/**
 * Convolution weights re-laid out for the channels-last kernels, once per constant tensor (kept
 * by it, so a session pays once), per call for a weight that is a run's value.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { KernelContext } from '../kernel.js';

/** Output channels per pointwise panel (wasm/assembly/nhwc-pointwise.ts). */
const PANEL = 8;

/** A layout of `t`'s data, computed once per constant tensor. */
function cachedLayout(cache: WeakMap<DenseTensor, Float32Array>, t: DenseTensor, context: KernelContext, layout: (data: Float32Array) => Float32Array): Float32Array {
  const cached = cache.get(t);
  if (cached) return cached;
  const out = layout(t.data as Float32Array);
  if (context.isConstant?.(t)) cache.set(t, out);
  return out;
}

const tapMajorWeights = new WeakMap<DenseTensor, Float32Array>();

/** Depthwise weights [C, 1, kh, kw] as [kh * kw, C], so each tap's weights are one run over the channels. */
export function tapMajor(w: DenseTensor, context: KernelContext): Float32Array {
  const channels = w.dims[0];
  return cachedLayout(tapMajorWeights, w, context, (source) => {
    const taps = channels === 0 ? 0 : source.length / channels;
    const out = new Float32Array(source.length);
    for (let c = 0; c < channels; c++) for (let t = 0; t < taps; t++) out[t * channels + c] = source[c * taps + t];
    return out;
  });
}

const panelWeights = new WeakMap<DenseTensor, Float32Array>();

/** Pointwise weights [n, k, 1, 1] as panels of eight output channels, [ceil(n / 8)][k][8], zeros past n. */
export function pointwisePanels(w: DenseTensor, context: KernelContext): Float32Array {
  const [n, k] = w.dims;
  return cachedLayout(panelWeights, w, context, (source) => {
    const out = new Float32Array(Math.ceil(n / PANEL) * k * PANEL);
    for (let o = 0; o < n; o++) {
      const panel = Math.floor(o / PANEL) * k * PANEL + (o % PANEL);
      for (let i = 0; i < k; i++) out[panel + i * PANEL] = source[o * k + i];
    }
    return out;
  });
}

const paddedBiases = new WeakMap<DenseTensor, Float32Array>();

/** A bias [n] padded with zeros to whole pointwise panels. */
export function panelBias(b: DenseTensor, context: KernelContext): Float32Array {
  return cachedLayout(paddedBiases, b, context, (source) => {
    const out = new Float32Array(Math.ceil(source.length / PANEL) * PANEL);
    out.set(source);
    return out;
  });
}
