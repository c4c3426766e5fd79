import { describe, expect, it } from 'vitest';
import type { ConvActivation } from '../../../src/backends/wasm/conv-activation.js';
import { convHeap } from '../../../src/backends/wasm/conv-heap.js';
import { instantiateConv, type ConvModule } from '../../../src/backends/wasm/conv-module.js';
import { convTraffic } from '../../../src/backends/wasm/conv-operands.js';
import { cutRanges, runRange } from '../../../src/backends/wasm/conv-ranges.js';
import { planeWindow } from '../../../src/backends/wasm/plane-window.js';
import { ResidentConvWeights } from '../../../src/backends/wasm/resident-conv-weights.js';
import { smallChannelApplies, smallChannelConv, type SmallChannelHost, type SmallChannelOperands } from '../../../src/backends/wasm/small-channel-conv.js';
import { WasmConv } from '../../../src/backends/wasm/wasm-conv.js';
import { winogradApplies } from '../../../src/backends/wasm/winograd-choice.js';
import type { SimdVariant } from '../../../src/backends/wasm/wasm-instance.js';
import { slideWindow, type SlidingWindow } from '../../../src/kernels/conv/sliding-window.js';
import { attr } from '../../support/model-builder.js';
import { CONV_ACTIVATIONS, applyConvActivation, typescriptConv } from '../../support/conv-reference.js';
import { Rng } from '../../support/random.js';
import { naiveConv } from '../../kernels/conv/naive-conv.js';

/**
 * Tolerance: each output is a float32 sum of the bias (and Z) and k = channels x taps products,
 * in the kernel's order, so it is held to the bound for any summation order, |error| <=
 * gamma_n * sum |terms|, gamma_n ~ n * 2^-24 (Higham 3.1) with n = 2k + 8, times the
 * activation's largest slope, plus 4 ulps of the result for the activation's own rounding
 * (Sigmoid, Tanh and SiLU's e^x are within a few ulps). The TypeScript Conv is within the same
 * bound of the exact value, so within twice it of the kernel.
 */
const U = 2 ** -24;

function slope(a: ConvActivation | undefined): number {
  switch (a?.kind) {
    case 'LeakyRelu': case 'HardSigmoid': return Math.max(1, a.alpha);
    case 'HardSwish': return 1.5;
    case 'QuickGelu': return 1.1 * Math.max(1, a.alpha);
    default: return 1;
  }
}

interface Case {
  readonly batch: number;
  readonly inputs: number;
  readonly outputs: number;
  readonly spatial: readonly [number, number];
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** top, left, bottom, right */
  readonly pads: readonly [number, number, number, number];
  readonly bias: boolean;
  readonly residual: boolean;
  readonly activation?: ConvActivation;
}

function describeCase(c: Case): string {
  return `n${c.batch} ${c.inputs}->${c.outputs} ${c.spatial.join('x')} k${c.kernel.join('x')} s${c.strides.join('x')} d${c.dilations.join('x')} ` +
    `pads ${c.pads.join(',')}${c.bias ? ' bias' : ''}${c.residual ? ' Z' : ''} ${c.activation?.kind ?? ''}`;
}

function windowOf(c: Case): SlidingWindow {
  const [t, l, b, r] = c.pads;
  return slideWindow({ autoPad: 'NOTSET', kernelShape: [...c.kernel], strides: [...c.strides], dilations: [...c.dilations], pads: [t, l, b, r] }, [...c.spatial], [...c.kernel]);
}

function operands(c: Case, win: SlidingWindow, rng: Rng): SmallChannelOperands {
  const [h, w] = c.spatial;
  const outSize = c.batch * c.outputs * win.grid[0] * win.grid[1];
  return {
    x: rng.floats(c.batch * c.inputs * h * w),
    w: rng.floats(c.outputs * c.inputs * c.kernel[0] * c.kernel[1]),
    bias: c.bias ? rng.floats(c.outputs) : undefined,
    residual: c.residual ? rng.floats(outSize) : undefined,
    // NaN: every output must be written, none read.
    y: new Float32Array(outSize).fill(NaN),
    batch: c.batch, group: 1, inPerGroup: c.inputs, outPerGroup: c.outputs, activation: c.activation,
  };
}

/** The TypeScript Conv on the case's operands. */
function typescriptConvOf(c: Case, op: ReturnType<typeof operands>): Promise<Float32Array> {
  const attributes = {
    kernel_shape: attr.ints([...c.kernel]), strides: attr.ints([...c.strides]), dilations: attr.ints([...c.dilations]),
    pads: attr.ints([c.pads[0], c.pads[1], c.pads[2], c.pads[3]]),
  };
  const operandsOf = { x: op.x, w: op.w, bias: op.bias as Float32Array | undefined, residual: op.residual, activation: c.activation };
  return typescriptConv(operandsOf, [c.batch, c.inputs, ...c.spatial], [c.outputs, c.inputs, ...c.kernel], attributes);
}

/** Runs `conv` on a random instance of the case and checks it against the definition and the TypeScript Conv. */
async function check(c: Case, rng: Rng, conv: (op: ReturnType<typeof operands>, win: SlidingWindow) => boolean): Promise<void> {
  const win = windowOf(c);
  const op = operands(c, win, rng);
  expect(conv(op, win), describeCase(c)).toBe(true);
  const spec = {
    xDims: [c.batch, c.inputs, ...c.spatial], wDims: [c.outputs, c.inputs, ...c.kernel], group: 1,
    strides: win.strides, dilations: win.dilations, padsBegin: win.padsBegin, outSpatial: win.grid,
  };
  const abs = (a: ArrayLike<number> | undefined): number[] | undefined => a && Array.from(a, Math.abs);
  const z = op.residual;
  const value = naiveConv(Array.from(op.x), Array.from(op.w), op.bias && Array.from(op.bias), spec);
  const magnitude = naiveConv(abs(op.x)!, abs(op.w)!, abs(op.bias), spec);
  const ts = await typescriptConvOf(c, op);
  const gamma = (2 * c.inputs * c.kernel[0] * c.kernel[1] + 8) * U * slope(c.activation);
  for (let i = 0; i < value.length; i++) {
    const want = applyConvActivation(z ? value[i] + z[i] : value[i], c.activation);
    const bound = gamma * (magnitude[i] + (z ? Math.abs(z[i]) : 0)) + 4 * U * Math.abs(want) + 1e-30;
    const got = op.y[i];
    if (!(Math.abs(got - want) <= bound)) expect.fail(`${describeCase(c)}: y[${i}] is ${got}, expected ${want} within ${bound}`);
    if (!(Math.abs(got - ts[i]) <= 2 * bound)) expect.fail(`${describeCase(c)}: y[${i}] is ${got}, TypeScript gives ${ts[i]}`);
  }
}

/** The direct kernel on an instance of its own, whatever the selection would pick; `parts` ranges of output rows, run one after another. */
function directKernel(module: ConvModule, parts: number): (op: SmallChannelOperands, win: SlidingWindow, cache?: object) => boolean {
  const heap = convHeap(module);
  const exports = module.exports;
  const host: SmallChannelHost = {
    exports, heap, resident: new ResidentConvWeights(heap),
    parts: () => parts,
    run: (call, total, unit, scratch) => {
      for (const range of cutRanges(total, unit, scratch.length, scratch)) runRange(exports, call, range);
    },
    copyFlushed: (values, at) => {
      heap.f32.set(values, at / 4);
      exports.flushDenormals(at, values.length);
    },
  };
  return (op, win, cache) => smallChannelConv(host, op, planeWindow(win)!, cache);
}

function randomCase(rng: Rng): Case {
  const kernel = [rng.int(1, 7), rng.int(1, 7)] as const;
  const strides = [rng.int(1, 2), rng.int(1, 3)] as const;
  const dilations = rng.next() < 0.2 ? [2, rng.int(1, 2)] as const : [1, 1] as const;
  const pads = [rng.int(0, 3), rng.int(0, 3), rng.int(0, 3), rng.int(0, 3)] as const;
  const extent = (i: 0 | 1): number => (kernel[i] - 1) * dilations[i] + 1 - pads[i] - pads[i + 2];
  const spatial = [Math.max(1, extent(0)) + rng.int(0, 12), Math.max(1, extent(1)) + rng.int(0, 21)] as const;
  return {
    batch: rng.int(1, 2), inputs: rng.int(1, 8), outputs: rng.int(1, 40), spatial, kernel, strides, dilations, pads,
    bias: rng.next() < 0.7, residual: rng.next() < 0.3, activation: CONV_ACTIVATIONS[rng.int(0, CONV_ACTIVATIONS.length - 1)],
  };
}

const variants: SimdVariant[] = ['simd', 'relaxed-simd'];
for (const variant of variants) {
  describe(`direct small-channel convolution, ${variant} build`, () => {
    const module = instantiateConv(variant)!;

    it('packs W in blocks of four output channels, the last zero-filled, and writes nothing past them', () => {
      const heap = convHeap(module);
      const exports = module.exports;
      for (const m of [1, 3, 4, 5, 8, 13, 16]) {
        for (const k of [1, 2, 27]) {
          const length = exports.smallChannelWeightsLength(m, k);
          expect(length, `m ${m} k ${k}`).toBe(Math.ceil(m / 4) * 4 * k);
          const [wAt, outAt] = heap.scratch([m * k, length + 16])!;
          const w = Float32Array.from({ length: m * k }, (_, i) => i + 1);
          heap.f32.set(w, wAt / 4);
          heap.f32.fill(-1, outAt / 4, outAt / 4 + length + 16);
          exports.packSmallChannelWeights(wAt, m, k, outAt);
          const packed = heap.f32.slice(outAt / 4, outAt / 4 + length + 16);
          const expected = Array.from({ length }, (_, i) => {
            const [block, t, j] = [Math.floor(i / (4 * k)), Math.floor(i / 4) % k, i % 4];
            const o = block * 4 + j;
            return o < m ? w[o * k + t] : 0;
          });
          expect(Array.from(packed), `m ${m} k ${k}`).toEqual([...expected, ...new Array<number>(16).fill(-1)]);
        }
      }
    });

    it('matches the definition and the TypeScript Conv on random windows: any kernel to 7x7, strides 1 to 3, dilation, asymmetric pads', async () => {
      const rng = new Rng(71 + variant.length);
      const direct = directKernel(module, 1);
      for (let i = 0; i < 40; i++) await check(randomCase(rng), rng, direct);
    });

    it('gives every activation, batch 2, bias and Z, at widths that are not multiples of 4 or 8', async () => {
      const rng = new Rng(72);
      const direct = directKernel(module, 1);
      for (const activation of CONV_ACTIVATIONS) {
        for (const width of [1, 3, 5, 9, 13, 17]) {
          const c: Case = {
            batch: 2, inputs: 3, outputs: rng.int(1, 19), spatial: [rng.int(3, 9), 2 * width + 1], kernel: [3, 3], strides: [2, 2], dilations: [1, 1],
            pads: [1, 1, 1, 1], bias: true, residual: width % 2 === 1, activation,
          };
          await check(c, rng, direct);
        }
      }
    });

    it('handles windows that lie wholly in the padding, and 1-wide images', async () => {
      const rng = new Rng(77);
      const direct = directKernel(module, 1);
      const cases: Case[] = [
        { batch: 1, inputs: 2, outputs: 5, spatial: [3, 1], kernel: [1, 1], strides: [2, 3], dilations: [1, 1], pads: [1, 4, 0, 0], bias: true, residual: false },
        { batch: 2, inputs: 1, outputs: 3, spatial: [4, 1], kernel: [3, 3], strides: [1, 2], dilations: [1, 1], pads: [2, 5, 2, 1], bias: true, residual: true, activation: { kind: 'Relu' } },
        { batch: 1, inputs: 3, outputs: 4, spatial: [1, 2], kernel: [1, 2], strides: [1, 1], dilations: [1, 1], pads: [0, 3, 0, 3], bias: false, residual: false },
      ];
      for (const c of cases) await check(c, rng, direct);
    });

    it('cut into ranges of output rows gives the same outputs as one call, with W kept between calls', async () => {
      const rng = new Rng(73);
      const c: Case = {
        batch: 2, inputs: 4, outputs: 13, spatial: [23, 31], kernel: [3, 5], strides: [2, 1], dilations: [1, 1], pads: [2, 1, 0, 2],
        bias: true, residual: true, activation: { kind: 'QuickGelu', alpha: 1 },
      };
      const win = windowOf(c);
      const op = operands(c, win, rng);
      const whole = directKernel(module, 1);
      const cut = directKernel(module, 3);
      const cache = {};
      expect(whole(op, win)).toBe(true);
      const once = op.y.slice();
      for (let i = 0; i < 2; i++) {
        op.y.fill(NaN);
        expect(cut(op, win, cache)).toBe(true);
        expect(op.y).toEqual(once);
      }
    });

    it('writes nothing and succeeds on an empty output', () => {
      const conv = new WasmConv(module);
      const c: Case = { batch: 0, inputs: 3, outputs: 8, spatial: [9, 9], kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], bias: true, residual: false };
      const win = windowOf(c);
      expect(conv.conv2dF32(operands(c, win, new Rng(74)), win)).toBe(true);
    });

    it('reads X and writes Y where they lie in its memory, Z shared with Y, bit for bit as on copies', () => {
      const rng = new Rng(76);
      const conv = new WasmConv(module);
      const heap = convHeap(module);
      const cases: Case[] = [
        { batch: 2, inputs: 3, outputs: 10, spatial: [13, 21], kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 0, 1, 2], bias: true, residual: true, activation: { kind: 'QuickGelu', alpha: 1 } },
        { batch: 2, inputs: 5, outputs: 9, spatial: [7, 11], kernel: [1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], bias: false, residual: true },
      ];
      for (const c of cases) {
        const win = windowOf(c);
        const plane = planeWindow(win)!;
        const shape = { group: 1, inPerGroup: c.inputs, outPerGroup: c.outputs };
        expect(smallChannelApplies(plane, shape, winogradApplies(plane, shape)), describeCase(c)).toBe(true);
        const op = operands(c, win, rng);
        const expected = op.y.slice();
        expect(conv.conv2dF32({ ...op, y: expected }, win)).toBe(true);
        for (const alias of [false, true]) {
          const floats = op.x.length + 2 * op.y.length + 64;
          const region = heap.reserveRegion(floats * 4)!;
          const x = new Float32Array(heap.buffer, region.byteOffset, op.x.length);
          const y = new Float32Array(heap.buffer, region.byteOffset + (op.x.length + 16) * 4, op.y.length);
          const z = alias ? y : new Float32Array(heap.buffer, y.byteOffset + (op.y.length + 16) * 4, op.y.length);
          x.set(op.x);
          z.set(op.residual!);
          heap.begin();
          try {
            const copied = convTraffic.copiedFloats;
            expect(conv.conv2dF32({ ...op, x, y, residual: z }, win)).toBe(true);
            expect(y.slice(), `${describeCase(c)}${alias ? ' Z is Y' : ''}`).toEqual(expected);
            // Only Z moves into Y, and not even that where it is Y.
            expect(convTraffic.copiedFloats - copied).toBe(alias ? 0 : z.length);
          } finally {
            heap.end();
            heap.releaseRegion(region);
          }
        }
      }
    });

    it('is what WasmConv picks for network stems, and those match the definition', async () => {
      const rng = new Rng(75);
      const conv = new WasmConv(module);
      const stems: Case[] = [
        { batch: 1, inputs: 3, outputs: 16, spatial: [37, 45], kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], bias: true, residual: false, activation: { kind: 'QuickGelu', alpha: 1 } },
        { batch: 2, inputs: 3, outputs: 8, spatial: [16, 50], kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], bias: true, residual: false, activation: { kind: 'HardSwish' } },
        { batch: 1, inputs: 8, outputs: 32, spatial: [21, 19], kernel: [1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], bias: true, residual: true, activation: { kind: 'Relu' } },
        { batch: 1, inputs: 8, outputs: 16, spatial: [15, 22], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], bias: false, residual: false },
      ];
      for (const c of stems) {
        const plane = planeWindow(windowOf(c))!;
        const op = { group: 1, inPerGroup: c.inputs, outPerGroup: c.outputs };
        expect(smallChannelApplies(plane, op, winogradApplies(plane, op)), describeCase(c)).toBe(true);
        await check(c, rng, (o, win) => conv.conv2dF32(o, win));
      }
    });
  });
}
