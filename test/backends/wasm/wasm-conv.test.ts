import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { slideWindow, type SlidingWindow } from '../../../src/kernels/conv/sliding-window.js';
import type { ConvActivation } from '../../../src/backends/wasm/conv-activation.js';
import { instantiateConv } from '../../../src/backends/wasm/conv-module.js';
import { WasmConv, wasmConv2dF32, wasmConvVariant, type ConvWeightCache, type WasmConvOperands } from '../../../src/backends/wasm/wasm-conv.js';
import { WINOGRAD_ROWS_4, WINOGRAD_STRIDE_2, winogradApplies, winogradTile, type WinogradTile } from '../../../src/backends/wasm/winograd-choice.js';
import { planeWindow } from '../../../src/backends/wasm/plane-window.js';
import type { SimdVariant } from '../../../src/backends/wasm/wasm-instance.js';
import { attr } from '../../support/model-builder.js';
import { CONV_ACTIVATIONS, applyConvActivation, typescriptConv } from '../../support/conv-reference.js';
import { Rng } from '../../support/random.js';
import { naiveConv } from '../../kernels/conv/naive-conv.js';
import { describeWindow, randomWindow, windowAttributes, type WindowCase } from '../../kernels/conv/window-cases.js';

/**
 * Tolerance, as in wasm-gemm.test.ts: each output is a float32 dot product summed in the
 * kernel's own order (k blocks of 256, four SIMD lanes, fused or separate multiply-add, the
 * bias added with the first block), so it is held to the bound for any summation order,
 * |error| <= gamma_n * sum |terms| with gamma_n ~ n * u, u = 2^-24 (Higham, section 3.1). n
 * counts the roundings one term can see: k in the sum, one per k block added into Y, one for
 * the bias; 2k + 8 covers them and the TypeScript kernel's. The terms' magnitude is the same
 * convolution of |X|, |W| and |bias|. An activation is Lipschitz with constant at most
 * max(1, alpha), and adds its own rounding (a few ulps of the result for Sigmoid and Tanh).
 * The Winograd paths are held to the same bound: F(2x2, 3x3)'s transforms only add and halve;
 * F(4x4, 3x3)'s errors, some ten times the direct kernel's typical ones, stay well inside a
 * bound made for the worst summation order.
 */
const U = 2 ** -24;

interface ConvCase extends WindowCase {
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly bias: boolean;
  /** A Z input, added before the activation (FusedConv). */
  readonly residual?: boolean;
  readonly activation?: ConvActivation;
}

interface Operands extends WasmConvOperands {
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly bias?: Float32Array;
  readonly residual?: Float32Array;
  readonly y: Float32Array;
}

/**
 * The activation with its float32 steps rounded as the kernels round them (the parameters, and
 * the products and sums before a clamp or an e^x), the rest exact: what a correctly rounded
 * float32 implementation computes, to within an ulp or two.
 */
function float32Activation(x: number, a: ConvActivation | undefined): number {
  const f = Math.fround;
  switch (a?.kind) {
    case 'HardSigmoid': return Math.max(0, Math.min(1, f(f(f(a.alpha) * x) + f(a.beta))));
    case 'HardSwish': return x * Math.max(0, Math.min(1, f(f(x / 6) + 0.5)));
    case 'QuickGelu': return x / (1 + Math.exp(-f(f(a.alpha) * x)));
    case 'LeakyRelu': return x < 0 ? f(a.alpha) * x : x;
    case 'Clip': return Math.min(Math.max(x, f(a.min)), f(a.max));
    default: return applyConvActivation(x, a);
  }
}

/** The activation's largest slope: HardSwish's is 1.5 (at x = 3), QuickGelu's under 1.1 alpha. */
function lipschitz(a: ConvActivation | undefined): number {
  switch (a?.kind) {
    case 'LeakyRelu':
    case 'HardSigmoid': return Math.max(1, a.alpha);
    case 'HardSwish': return 1.5;
    case 'QuickGelu': return 1.1 * Math.max(1, a.alpha);
    default: return 1;
  }
}

function randomFloats(length: number, rng: Rng): Float32Array {
  return Float32Array.from({ length }, () => rng.uniform(-1, 1));
}

function windowOf(c: ConvCase): SlidingWindow {
  return slideWindow(
    { autoPad: c.autoPad ?? 'NOTSET', kernelShape: c.kernel, strides: c.strides, dilations: c.dilations, pads: c.pads },
    c.spatial, c.kernel,
  );
}

function operands(c: ConvCase, win: SlidingWindow, rng: Rng): Operands {
  const channels = c.group * c.inPerGroup;
  const outputs = c.group * c.outPerGroup;
  const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
  return {
    x: randomFloats(c.batch * channels * size(c.spatial), rng),
    w: randomFloats(outputs * c.inPerGroup * size(c.kernel), rng),
    bias: c.bias ? randomFloats(outputs, rng) : undefined,
    residual: c.residual ? randomFloats(c.batch * outputs * size(win.grid), rng) : undefined,
    // NaN: every element must be written, none read.
    y: new Float32Array(c.batch * outputs * size(win.grid)).fill(NaN),
    batch: c.batch, group: c.group, inPerGroup: c.inPerGroup, outPerGroup: c.outPerGroup, activation: c.activation,
  };
}

/** The pre-activation output in doubles, and the magnitude its error bound scales with. */
function reference(c: ConvCase, win: SlidingWindow, op: Operands): { value: number[]; magnitude: number[] } {
  const spec = {
    xDims: [c.batch, c.group * c.inPerGroup, ...c.spatial],
    wDims: [c.group * c.outPerGroup, c.inPerGroup, ...c.kernel],
    group: c.group, strides: win.strides, dilations: win.dilations, padsBegin: win.padsBegin, outSpatial: win.grid,
  };
  const abs = (a: Float32Array | undefined): number[] | undefined => a && Array.from(a, Math.abs);
  const z = op.residual;
  const value = naiveConv(Array.from(op.x), Array.from(op.w), op.bias && Array.from(op.bias), spec);
  const magnitude = naiveConv(abs(op.x)!, abs(op.w)!, abs(op.bias), spec);
  return {
    value: z ? value.map((v, i) => v + z[i]) : value,
    magnitude: z ? magnitude.map((v, i) => v + Math.abs(z[i])) : magnitude,
  };
}

/** TypeScript's Conv on the same operands. */
function typescriptConvOf(c: ConvCase, op: Operands): Promise<Float32Array> {
  const xDims = [c.batch, c.group * c.inPerGroup, ...c.spatial];
  const wDims = [c.group * c.outPerGroup, c.inPerGroup, ...c.kernel];
  return typescriptConv({ ...op, activation: c.activation }, xDims, wDims, { ...windowAttributes(c, true), group: attr.int(c.group) });
}

function describeCase(c: ConvCase): string {
  const act = c.activation ? ` ${c.activation.kind}` : '';
  return `${describeWindow(c)} n${c.batch} g${c.group} ${c.inPerGroup}->${c.outPerGroup}${c.bias ? ' bias' : ''}${c.residual ? ' Z' : ''}${act}`;
}

async function checkCase(kernel: WasmConv, c: ConvCase, rng: Rng): Promise<void> {
  const win = windowOf(c);
  const op = operands(c, win, rng);
  expect(kernel.conv2dF32(op, win), describeCase(c)).toBe(true);
  const { value, magnitude } = reference(c, win, op);
  const ts = await typescriptConvOf(c, op);
  const depth = c.inPerGroup * c.kernel.reduce((a, b) => a * b, 1);
  const gamma = (2 * depth + 8) * U * lipschitz(c.activation);
  for (let i = 0; i < value.length; i++) {
    const want = applyConvActivation(value[i], c.activation);
    const bound = gamma * magnitude[i] + 4 * U * Math.abs(want) + 1e-30;
    const got = op.y[i];
    if (!(Math.abs(got - want) <= bound)) expect.fail(`${describeCase(c)}: y[${i}] is ${got}, expected ${want} within ${bound}`);
    // Both kernels are within the bound of the exact value, so within twice it of each other.
    if (!(Math.abs(got - ts[i]) <= 2 * bound)) expect.fail(`${describeCase(c)}: y[${i}] is ${got}, TypeScript gives ${ts[i]}`);
  }
}

function randomCase(rng: Rng, overrides: Partial<ConvCase> = {}): ConvCase {
  const window = randomWindow(rng, { ranks: [1, 2], maxSpatial: 13, maxKernel: 5 });
  return {
    ...window,
    batch: rng.int(1, 3),
    group: rng.int(1, 3),
    inPerGroup: rng.int(1, 7),
    outPerGroup: rng.int(1, 11),
    bias: rng.next() < 0.6,
    residual: rng.next() < 0.3,
    activation: rng.next() < 0.5 ? undefined : CONV_ACTIVATIONS[rng.int(1, CONV_ACTIVATIONS.length - 1)],
    ...overrides,
  };
}

/** Each build is checked on its own instance (vitest runs Node with --experimental-wasm-relaxed-simd). */
const variants: SimdVariant[] = ['simd', 'relaxed-simd'];
for (const variant of variants) {
  const module = instantiateConv(variant);
  describe(`wasm f32 Conv, ${variant} build`, () => {
    it('instantiates on this engine', () => {
      expect(module).toBeDefined();
    });
    let kernel: WasmConv;
    beforeAll(() => {
      kernel = new WasmConv(module!);
    });

    it('matches the definition and the TypeScript kernel on random 1-D and 2-D windows', async () => {
      const rng = new Rng(variant.length);
      for (let i = 0; i < 60; i++) await checkCase(kernel, randomCase(rng), rng);
    });

    it('depthwise (one input channel per group), with multipliers, every stride, dilation and pad', async () => {
      const rng = new Rng(31);
      for (let i = 0; i < 40; i++) await checkCase(kernel, randomCase(rng, { group: rng.int(1, 7), inPerGroup: 1, outPerGroup: rng.int(1, 3) }), rng);
      for (const k of [3, 5]) {
        for (const stride of [1, 2, 3]) {
          for (const dilation of [1, 2]) {
            for (const spatial of [[1, 1], [7, 9], [14, 13], [17, 4]]) {
              if (spatial.some((s) => s + 3 < (k - 1) * dilation + 1)) continue;
              const c: ConvCase = {
                spatial, kernel: [k, k], strides: [stride, stride], dilations: [dilation, dilation], pads: [1, 2, 2, 1],
                batch: 2, group: 5, inPerGroup: 1, outPerGroup: 1, bias: true, residual: stride === 2, activation: { kind: 'Relu' },
              };
              await checkCase(kernel, c, rng);
            }
          }
        }
      }
    });

    it('pointwise and strided 1x1, where patches are the image itself', async () => {
      const rng = new Rng(32);
      for (const [spatial, strides, pads] of [[[7, 9], [1, 1], undefined], [[28, 28], [1, 1], undefined], [[13, 11], [2, 2], undefined], [[5, 6], [1, 1], [1, 0, 0, 1]], [[33], [1], undefined]] as const) {
        const kernelShape = spatial.map(() => 1);
        await checkCase(kernel, { ...randomCase(rng), spatial: [...spatial], kernel: kernelShape, strides: [...strides], dilations: undefined, pads: pads && [...pads], autoPad: 'NOTSET' }, rng);
      }
    });

    it('crosses every cache block: k over 2 x 256, positions over 1024, output channels over 120', async () => {
      const rng = new Rng(33);
      const base = { dilations: undefined, autoPad: 'NOTSET' as const, batch: 1, group: 1, bias: true };
      await checkCase(kernel, { ...base, spatial: [9, 10], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], inPerGroup: 61, outPerGroup: 7, activation: { kind: 'Relu' } }, rng);
      await checkCase(kernel, { ...base, spatial: [37, 41], kernel: [3, 3], strides: [1, 1], pads: [1, 0, 1, 2], inPerGroup: 3, outPerGroup: 6, group: 2 }, rng);
      await checkCase(kernel, { ...base, spatial: [6, 7], kernel: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], inPerGroup: 5, outPerGroup: 131, activation: { kind: 'Sigmoid' } }, rng);
      // One block of rows, whose panels are packed as they are used: k over 256, positions over 1024 ending in a part panel, Z.
      await checkCase(kernel, { ...base, spatial: [35, 33], kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], inPerGroup: 300, outPerGroup: 37, residual: true, activation: { kind: 'QuickGelu', alpha: 1 } }, rng);
      await checkCase(kernel, { ...base, spatial: [67, 65], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], inPerGroup: 29, outPerGroup: 19, residual: true }, rng);
      // Short k over 512 positions and more, over 120 output channels: row panels sweep each block of patches.
      await checkCase(kernel, { ...base, spatial: [29, 23], kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], inPerGroup: 70, outPerGroup: 127, residual: true, activation: { kind: 'Relu' } }, rng);
      await checkCase(kernel, { ...base, spatial: [47, 45], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], inPerGroup: 13, outPerGroup: 124, residual: true, activation: { kind: 'HardSwish' } }, rng);
      await checkCase(kernel, { ...base, spatial: [41, 53], kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], inPerGroup: 40, outPerGroup: 243 }, rng);
    });

    it('computes edge tiles (1 to 4 output channels or positions, their narrower kernels) as whole tiles do, bit for bit', () => {
      const rng = new Rng(41);
      const channels = 261, outputs = 15, wide = 24;
      const pointwise = (n: number): SlidingWindow =>
        slideWindow({ autoPad: 'NOTSET', kernelShape: [1], strides: [1], dilations: [1], pads: [0, 0] }, [n], [1]);
      const w = randomFloats(outputs * channels, rng);
      const bias = randomFloats(outputs, rng);
      const xWide = randomFloats(channels * wide, rng);
      const zWide = randomFloats(outputs * wide, rng);
      const common = { batch: 1, group: 1, inPerGroup: channels, activation: { kind: 'Sigmoid' } as const };
      const yWide = new Float32Array(outputs * wide);
      expect(kernel.conv2dF32({ ...common, w, bias, outPerGroup: outputs, x: xWide, residual: zWide, y: yWide }, pointwise(wide))).toBe(true);
      // The first `rows` rows and `n` columns of a [rows of `wide`] array.
      const corner = (a: Float32Array, rows: number, n: number): Float32Array => {
        const out = new Float32Array(rows * n);
        for (let r = 0; r < rows; r++) out.set(a.subarray(r * wide, r * wide + n), r * n);
        return out;
      };
      for (const m of [11, 12, 13, 14, 15]) {
        for (const n of [17, 18, 19, 20, 21, 24]) {
          const y = new Float32Array(m * n).fill(NaN);
          const op = { ...common, w: w.subarray(0, m * channels), bias: bias.subarray(0, m), outPerGroup: m, x: corner(xWide, channels, n), residual: corner(zWide, m, n), y };
          expect(kernel.conv2dF32(op, pointwise(n))).toBe(true);
          expect(y, `${m} outputs, ${n} positions`).toEqual(corner(yWide, m, n));
        }
      }
    });

    it('typical layer shapes: a 7x7/2 stem, 3x3/2 on odd sizes, 5x5 depthwise', async () => {
      const rng = new Rng(34);
      const base = { dilations: undefined, autoPad: 'NOTSET' as const, batch: 1, bias: true };
      await checkCase(kernel, { ...base, spatial: [45, 39], kernel: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3], group: 1, inPerGroup: 3, outPerGroup: 16 }, rng);
      await checkCase(kernel, { ...base, spatial: [15, 15], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 1, inPerGroup: 12, outPerGroup: 12, activation: { kind: 'LeakyRelu', alpha: 0.1 } }, rng);
      await checkCase(kernel, { ...base, spatial: [19, 19], kernel: [5, 5], strides: [2, 2], pads: [2, 2, 2, 2], group: 24, inPerGroup: 1, outPerGroup: 1, activation: { kind: 'Clip', min: 0, max: 6 } }, rng);
    });

    it('5x5 depthwise with its taps written out: rows of 16 outputs and more, odd widths, either stride across or down, unpadded', async () => {
      const rng = new Rng(35);
      const base = { dilations: [1, 1], autoPad: 'NOTSET' as const, kernel: [5, 5] };
      for (let i = 0; i < 16; i++) {
        const strides = [rng.int(1, 2), rng.int(1, 2)];
        const pads = i % 4 === 3 ? [0, 0, 0, 0] : [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
        const c: ConvCase = {
          ...base, spatial: [rng.int(5, 23), rng.int(17, 75)], strides, pads, batch: rng.int(1, 2), group: rng.int(1, 7), inPerGroup: 1,
          outPerGroup: rng.int(1, 2), bias: rng.next() < 0.7, residual: rng.next() < 0.3,
          activation: rng.next() < 0.3 ? undefined : CONV_ACTIVATIONS[rng.int(1, CONV_ACTIVATIONS.length - 1)],
        };
        await checkCase(kernel, c, rng);
      }
    });

    it('Winograd F(2x2, 3x3): 3x3 stride-1 single-group windows, odd sizes, every pad, bias, Z and activation', async () => {
      const rng = new Rng(41);
      for (let i = 0; i < 24; i++) {
        const spatial = [rng.int(1, 17), rng.int(1, 19)];
        const pads = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
        if (spatial[0] + pads[0] + pads[2] < 3 || spatial[1] + pads[1] + pads[3] < 3) continue;
        const c: ConvCase = {
          ...randomCase(rng), spatial, kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads, autoPad: 'NOTSET',
          group: 1, inPerGroup: rng.int(8, 40), outPerGroup: rng.int(8, 37),
        };
        expect(winogradApplies(planeWindow(windowOf(c))!, c), describeCase(c)).toBe(true);
        await checkCase(kernel, c, rng);
      }
    });

    it('Winograd F(4x4, 3x3) where it is picked: sizes not multiples of 4, every pad, Z and activation', async () => {
      const rng = new Rng(44);
      let f4 = 0;
      for (let i = 0; i < 16; i++) {
        const spatial = [rng.int(11, 33), rng.int(11, 27)];
        const pads = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
        const c: ConvCase = {
          ...randomCase(rng), spatial, kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads, autoPad: 'NOTSET',
          group: 1, inPerGroup: rng.int(32, 45), outPerGroup: rng.int(32, 41),
        };
        if (winogradTile(planeWindow(windowOf(c))!, c) === 4) f4++;
        await checkCase(kernel, c, rng);
      }
      expect(f4).toBeGreaterThanOrEqual(10);
    });

    it('Winograd F(4x4, 3x3) with 16 to 31 channels in or out, where it is picked: odd sizes, every pad, Z and activation', async () => {
      const rng = new Rng(45);
      let f4 = 0;
      for (let i = 0; i < 12; i++) {
        const spatial = [rng.int(13, 37), rng.int(13, 31)];
        const pads = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
        const c: ConvCase = {
          ...randomCase(rng), spatial, kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads, autoPad: 'NOTSET',
          group: 1, inPerGroup: rng.int(16, 31), outPerGroup: rng.int(16, 29),
        };
        if (winogradTile(planeWindow(windowOf(c))!, c) === 4) f4++;
        await checkCase(kernel, c, rng);
      }
      expect(f4).toBeGreaterThanOrEqual(8);
    });

    it('Winograd F(4x4, 3x3) with tiles as rows, where an image has at most four: odd sizes and channels, KC blocks, batch, Z and activation', async () => {
      const rng = new Rng(47);
      const base = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], autoPad: 'NOTSET' as const, group: 1, bias: true };
      const cases: ConvCase[] = [
        { ...base, spatial: [7, 7], pads: [1, 1, 1, 1], batch: 2, inPerGroup: 37, outPerGroup: 45, residual: true, activation: { kind: 'Relu' } },
        { ...base, spatial: [8, 6], pads: [1, 1, 1, 1], batch: 1, inPerGroup: 301, outPerGroup: 131, activation: { kind: 'LeakyRelu', alpha: 0.1 } },
        { ...base, spatial: [5, 9], pads: [1, 1, 1, 0], batch: 1, inPerGroup: 64, outPerGroup: 33, residual: true },
        { ...base, spatial: [4, 16], pads: [1, 1, 1, 1], batch: 1, inPerGroup: 40, outPerGroup: 36, bias: false },
      ];
      for (const c of cases) {
        expect(winogradTile(planeWindow(windowOf(c))!, c), describeCase(c)).toBe(WINOGRAD_ROWS_4);
        await checkCase(kernel, c, rng);
      }
    });

    it('Winograd at stride 2 where it is picked: odd sizes, every pad, SAME padding, batch, bias, Z and activation', async () => {
      const rng = new Rng(45);
      let strided = 0;
      for (let i = 0; i < 24; i++) {
        const spatial = [rng.int(17, 41), rng.int(15, 37)];
        const pads = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
        const c: ConvCase = {
          ...randomCase(rng), spatial, kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads, autoPad: i % 7 === 3 ? 'SAME_UPPER' : 'NOTSET',
          group: 1, inPerGroup: rng.int(32, 45), outPerGroup: rng.int(32, 41),
        };
        const plane = planeWindow(windowOf(c))!;
        if (winogradApplies(plane, c)) {
          expect(winogradTile(plane, c), describeCase(c)).toBe(WINOGRAD_STRIDE_2);
          strided++;
        }
        await checkCase(kernel, c, rng);
      }
      expect(strided).toBeGreaterThanOrEqual(10);
    });

    it('Winograd at stride 2 crosses its blocks: channels over 256, outputs over 120, tiles over a block', async () => {
      const rng = new Rng(46);
      const base = { kernel: [3, 3], strides: [2, 2], dilations: [1, 1], autoPad: 'NOTSET' as const, group: 1, bias: true };
      const cases: ConvCase[] = [
        { ...base, spatial: [21, 19], pads: [1, 1, 1, 1], batch: 2, inPerGroup: 261, outPerGroup: 33, residual: true, activation: { kind: 'Relu' } },
        { ...base, spatial: [15, 30], pads: [0, 1, 1, 0], batch: 1, inPerGroup: 35, outPerGroup: 127, activation: { kind: 'HardSwish' } },
        { ...base, spatial: [101, 77], pads: [1, 1, 1, 1], batch: 1, inPerGroup: 32, outPerGroup: 32, residual: true },
      ];
      for (const c of cases) {
        expect(winogradApplies(planeWindow(windowOf(c))!, c), describeCase(c)).toBe(true);
        await checkCase(kernel, c, rng);
      }
    });

    it('keeps strided windows that Winograd does not pay for on the implicit GEMM', () => {
      const window = { spatial: [28, 28], kernel: [3, 3], dilations: [1, 1], pads: [1, 1, 1, 1], autoPad: 'NOTSET' as const };
      const c = { ...window, strides: [2, 2], batch: 1, group: 1, inPerGroup: 64, outPerGroup: 64, bias: false };
      const applies = (overrides: Partial<ConvCase>): boolean => {
        const d = { ...c, ...overrides };
        return winogradApplies(planeWindow(windowOf(d))!, d);
      };
      expect(applies({})).toBe(true);
      for (const strides of [[2, 1], [1, 2], [3, 3]]) expect(applies({ strides }), `strides ${strides}`).toBe(false);
      expect(applies({ dilations: [2, 2] })).toBe(false);
      expect(applies({ inPerGroup: 31 })).toBe(false);
      expect(applies({ outPerGroup: 16 })).toBe(false);
      // A 4x4 output is 4 tiles, half a block of NR: 200 products against 144.
      expect(applies({ spatial: [8, 8] })).toBe(false);
      expect(applies({ spatial: [14, 14] })).toBe(true);
    });

    it('picks F(4x4) where its blocks of tiles come out full enough, F(2x2) elsewhere and under 16 channels', () => {
      const tileAt = (outH: number, outW: number, channels = 64): WinogradTile => {
        const c = { spatial: [outH, outW], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], autoPad: 'NOTSET' as const };
        return winogradTile(planeWindow(windowOf({ ...c, batch: 1, group: 1, inPerGroup: channels, outPerGroup: channels, bias: false }))!, { inPerGroup: channels, outPerGroup: channels });
      };
      for (const side of [13, 14, 15, 16, 19, 20, 28, 56, 112]) expect(tileAt(side, side), `${side}x${side}`).toBe(4);
      for (const side of [3, 4, 10, 11, 12, 17, 18]) expect(tileAt(side, side), `${side}x${side}`).toBe(2);
      // At most four F(4x4) tiles: one panel of MR rows, 180 products against F(2x2)'s 256.
      for (const side of [5, 6, 7, 8]) expect(tileAt(side, side), `${side}x${side}`).toBe(WINOGRAD_ROWS_4);
      expect(tileAt(4, 16)).toBe(WINOGRAD_ROWS_4);
      expect(tileAt(7, 7, 15)).toBe(2);
      expect(tileAt(2, 100)).toBe(2);
      expect(tileAt(56, 56, 15)).toBe(2);
      expect(tileAt(56, 56, 16)).toBe(4);
    });

    it('Winograd crosses its blocks: channels over 256, outputs over 120, tiles over a block', async () => {
      const rng = new Rng(42);
      const base = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], autoPad: 'NOTSET' as const, group: 1, bias: true };
      await checkCase(kernel, { ...base, spatial: [20, 21], pads: [1, 1, 1, 1], batch: 2, inPerGroup: 270, outPerGroup: 33, residual: true, activation: { kind: 'QuickGelu', alpha: 1 } }, rng);
      await checkCase(kernel, { ...base, spatial: [30, 21], pads: [0, 1, 1, 0], batch: 1, inPerGroup: 33, outPerGroup: 126 }, rng);
      await checkCase(kernel, { ...base, spatial: [9, 7], pads: [1, 1, 1, 1], batch: 1, inPerGroup: 300, outPerGroup: 23, residual: true, activation: { kind: 'Relu' } }, rng);
      await checkCase(kernel, { ...base, spatial: [6, 11], pads: [1, 0, 1, 1], batch: 2, inPerGroup: 17, outPerGroup: 131 }, rng);
      await checkCase(kernel, { ...base, spatial: [61, 45], pads: [1, 1, 1, 1], batch: 1, inPerGroup: 16, outPerGroup: 16, activation: { kind: 'Sigmoid' } }, rng);
    });

    it('gives bit-identical results with W packed or transformed once, and redoes it for another shape', () => {
      const rng = new Rng(40);
      const winograd = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], autoPad: 'NOTSET' as const };
      for (const overrides of [{ group: 2, inPerGroup: 30, outPerGroup: 7 }, { group: 1, inPerGroup: 3, outPerGroup: 16 }, { group: 4, inPerGroup: 1, outPerGroup: 2 }, { ...winograd, spatial: [8, 9], group: 1, inPerGroup: 20, outPerGroup: 18 }]) {
        const c = randomCase(rng, overrides);
        const win = windowOf(c);
        const op = operands(c, win, rng);
        const cache: ConvWeightCache = {};
        const first = Float32Array.from(op.y);
        const second = Float32Array.from(op.y);
        expect(kernel.conv2dF32({ ...op, y: first }, win, cache)).toBe(true);
        expect(kernel.conv2dF32({ ...op, y: second }, win, cache)).toBe(true);
        expect(kernel.conv2dF32(op, win)).toBe(true);
        expect(first).toEqual(op.y);
        expect(second).toEqual(op.y);
        // The same cache for a convolution with one output channel less: W is prepared again, not misread.
        const fewer = { ...c, outPerGroup: c.outPerGroup - 1 };
        const taps = c.kernel.reduce((a, b) => a * b, 1);
        const fewerOp = { ...op, outPerGroup: fewer.outPerGroup, w: op.w.subarray(0, c.group * fewer.outPerGroup * c.inPerGroup * taps), y: new Float32Array(c.batch * c.group * fewer.outPerGroup * win.grid.reduce((a, b) => a * b, 1)) };
        const fresh = Float32Array.from(fewerOp.y);
        expect(kernel.conv2dF32(fewerOp, win, cache)).toBe(true);
        expect(kernel.conv2dF32({ ...fewerOp, y: fresh }, win)).toBe(true);
        expect(fewerOp.y).toEqual(fresh);
      }
    });

    it('keeps each constant W in its memory once, bit-identical to preparing it per call, between calls that grow the memory', () => {
      const rng = new Rng(45);
      // An instance on a memory of its own: weights are kept per heap, for every host on it.
      const own = new WasmConv(instantiateConv(variant)!);
      const shapes = [
        { group: 3, inPerGroup: 5, outPerGroup: 11 },
        { group: 7, inPerGroup: 1, outPerGroup: 2 },
        { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], autoPad: 'NOTSET' as const, spatial: [9, 13], group: 1, inPerGroup: 13, outPerGroup: 9 },
        { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 0, 1, 1], autoPad: 'NOTSET' as const, spatial: [23, 21], group: 1, inPerGroup: 33, outPerGroup: 35 },
      ];
      const layers = shapes.map((overrides) => {
        const c = randomCase(rng, overrides);
        const win = windowOf(c);
        const op = operands(c, win, rng);
        const expected = Float32Array.from(op.y);
        expect(own.conv2dF32({ ...op, y: expected }, win), describeCase(c)).toBe(true);
        return { c, win, op, expected, cache: {} as ConvWeightCache };
      });
      expect(own.residentWeightBytes).toBe(0);
      let kept = 0;
      for (let round = 0; round < 3; round++) {
        for (const { c, win, op, expected, cache } of round === 1 ? [...layers].reverse() : layers) {
          const y = new Float32Array(op.y.length).fill(NaN);
          expect(own.conv2dF32({ ...op, y }, win, cache), describeCase(c)).toBe(true);
          expect(y, `${describeCase(c)}, round ${round}`).toEqual(expected);
        }
        if (round === 0) kept = own.residentWeightBytes;
        expect(own.residentWeightBytes, 'weights are prepared on the first round only').toBe(kept);
        // A large image between rounds: the memory grows, the kept weights stay where they are.
        const big = randomCase(rng, { spatial: [90 + round, 97], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], autoPad: 'NOTSET', group: 1, inPerGroup: 40, outPerGroup: 6, batch: 1 });
        const bigWin = windowOf(big);
        expect(own.conv2dF32(operands(big, bigWin, rng), bigWin), describeCase(big)).toBe(true);
      }
      expect(kept).toBeGreaterThan(0);
    });

    it('applies each activation within 4 ulps on its own, over [-100, 100], in the direct and the GEMM kernels', () => {
      // y = x through a 1x1 identity convolution: one input channel (direct kernel), or two with a zero weight (GEMM).
      const x = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 20);
      x[7] = NaN;
      x[8] = -0;
      const win = slideWindow({ autoPad: 'NOTSET' }, [x.length], [1]);
      for (const activation of CONV_ACTIVATIONS) {
        for (const inPerGroup of [1, 2]) {
          const input = inPerGroup === 1 ? x : Float32Array.from({ length: 2 * x.length }, (_, i) => (i < x.length ? x[i] : 1));
          const y = new Float32Array(x.length);
          const w = inPerGroup === 1 ? Float32Array.of(1) : Float32Array.of(1, 0);
          expect(kernel.conv2dF32({ x: input, w, y, batch: 1, group: 1, inPerGroup, outPerGroup: 1, activation }, win)).toBe(true);
          for (let i = 0; i < x.length; i++) {
            const want = float32Activation(x[i], activation);
            if (Number.isNaN(want)) {
              if (!Number.isNaN(y[i])) expect.fail(`${activation?.kind}(${x[i]}) is ${y[i]}, expected NaN`);
            } else if (!(Math.abs(y[i] - want) <= 4 * U * Math.abs(want) + 1e-35)) {
              // (1e-35 absolute: below e^-87 the kernels' e^x stops, where the exact value underflows.)
              expect.fail(`${activation?.kind ?? 'none'}, ${inPerGroup} input channel(s): f(${x[i]}) is ${y[i]}, expected ${want}`);
            }
          }
        }
      }
    });

    it('flushes subnormal weights and biases to zero (as given, they slow every multiply), leaving W as given', () => {
      const rng = new Rng(43);
      const winograd = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], autoPad: 'NOTSET' as const, spatial: [7, 9] };
      for (const overrides of [{ group: 6, inPerGroup: 1, outPerGroup: 1 }, { group: 2, inPerGroup: 5, outPerGroup: 7 }, { ...winograd, group: 1, inPerGroup: 9, outPerGroup: 10 }]) {
        const c = randomCase(rng, { ...overrides, bias: true, residual: false, activation: undefined });
        const win = windowOf(c);
        const op = operands(c, win, rng);
        // Subnormal W and bias with inputs of 1e20: unflushed, every output would be around 1e-19.
        const subnormal = (v: number): number => v * 1e-39;
        const w = op.w.map(subnormal);
        const given = Float32Array.from(w);
        expect(kernel.conv2dF32({ ...op, x: op.x.map((v) => v * 1e20), w, bias: op.bias!.map(subnormal) }, win), describeCase(c)).toBe(true);
        expect(op.y.every((v) => v === 0), describeCase(c)).toBe(true);
        expect(w).toEqual(given);
      }
    });

    it('declines, leaving Y untouched, what it does not run: other types, 3-D windows, no input channels', () => {
      const rng = new Rng(35);
      const c = randomCase(rng, { spatial: [5, 5], kernel: [3, 3], strides: [1, 1], dilations: undefined, pads: undefined, autoPad: 'NOTSET' });
      const win = windowOf(c);
      const op = operands(c, win, rng);
      expect(kernel.conv2dF32({ ...op, x: Float64Array.from(op.x) }, win)).toBe(false);
      expect(kernel.conv2dF32({ ...op, inPerGroup: 0 }, win)).toBe(false);
      const cube = slideWindow({ autoPad: 'NOTSET' }, [3, 3, 3], [1, 1, 1]);
      expect(kernel.conv2dF32(op, cube)).toBe(false);
      expect(op.y.every(Number.isNaN)).toBe(true);
    });
  });
}

describe('the shared wasm Conv', () => {
  afterEach(() => {
    delete env.wasm.simd;
  });

  it('runs on the best build this engine loads', () => {
    expect(wasmConvVariant()).toBe(instantiateConv('relaxed-simd') ? 'relaxed-simd' : 'simd');
    const c = randomCase(new Rng(36));
    const win = windowOf(c);
    const op = operands(c, win, new Rng(37));
    expect(wasmConv2dF32(op, win, {})).toBe(true);
    expect(op.y.some(Number.isNaN)).toBe(false);
  });

  it('is off with env.wasm.simd = false', () => {
    const c = randomCase(new Rng(38));
    const win = windowOf(c);
    const op = operands(c, win, new Rng(39));
    env.wasm.simd = false;
    expect(wasmConv2dF32(op, win)).toBe(false);
    expect(wasmConvVariant()).toBeUndefined();
    expect(op.y.every(Number.isNaN)).toBe(true);
  });
});
