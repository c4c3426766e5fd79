import { describe, expect, it } from 'vitest';
import type { ConvActivation } from '../../../src/backends/wasm/conv-activation.js';
import { instantiateConv } from '../../../src/backends/wasm/conv-module.js';
import { WasmConv } from '../../../src/backends/wasm/wasm-conv.js';
import type { SimdVariant } from '../../../src/backends/wasm/wasm-instance.js';
import { slideWindow } from '../../../src/kernels/conv/sliding-window.js';

/**
 * The epilogue's activations at the edges (wasm/assembly/epilogue.ts): the clamps there and in
 * e^x use pmin/pmax, which must keep what min/max gave: NaN passes through, infinities saturate.
 * (The epilogue dispatches with a switch so that only the chosen activation is computed:
 * binaryen hoisted every arm of an if-chain above its test, so SiLU cost Sigmoid + Tanh + SiLU.)
 */
const variants: SimdVariant[] = ['simd', 'relaxed-simd'];
for (const variant of variants) {
  describe(`wasm Conv epilogue activations, ${variant} build`, () => {
    const module = instantiateConv(variant);
    it.skipIf(!module)('gives the float32 activation at the edges: NaN, infinities, past e^x\'s clamps', () => {
      const kernel = new WasmConv(module!);
      const x = Float32Array.from([NaN, Infinity, -Infinity, 200, -200, 89.5, -88.5, -103.9, 104.5, 20, -20, 0.3, -0, 0]);
      const win = slideWindow({ autoPad: 'NOTSET', kernelShape: [1], strides: [1], dilations: [1], pads: [0, 0] }, [x.length], [1]);
      const exact: Record<string, (v: number) => number> = {
        Sigmoid: (v) => 1 / (1 + Math.exp(-v)),
        Tanh: Math.tanh,
        QuickGelu: (v) => v / (1 + Math.exp(-v)),
        HardSwish: (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5)),
      };
      for (const [kind, f] of Object.entries(exact)) {
        const activation = (kind === 'QuickGelu' ? { kind, alpha: 1 } : { kind }) as ConvActivation;
        const y = new Float32Array(x.length);
        expect(kernel.conv2dF32({ x, w: Float32Array.of(1), y, batch: 1, group: 1, inPerGroup: 1, outPerGroup: 1, activation }, win)).toBe(true);
        x.forEach((v, i) => {
          // SiLU at -Infinity is -Infinity * 0 in float32: NaN, as the double formula's -Infinity / Infinity.
          // Subnormal results may come out as 0 (the absolute 2^-126).
          const want = Math.fround(f(v));
          const where = `${kind}(${v}): got ${y[i]}, want ${want}`;
          if (Number.isNaN(want)) expect(Number.isNaN(y[i]), where).toBe(true);
          else if (y[i] !== want) expect(Math.abs(y[i] - want), where).toBeLessThanOrEqual(8 * 2 ** -23 * Math.abs(want) + 2 ** -126);
        });
      }
    });

  });
}
