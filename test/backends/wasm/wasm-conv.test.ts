import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { KernelInputError } from '../../../src/errors/errors.js';
import { Tensor } from '../../../src/index.js';
import { slideWindow, type SlidingWindow } from '../../../src/kernels/conv/sliding-window.js';
import type { ConvActivation } from '../../../src/backends/wasm/conv-activation.js';
import { instantiateConv } from '../../../src/backends/wasm/conv-module.js';
import { WasmConv, packConvWeightsF32, wasmConv2dF32, wasmConvVariant, type WasmConvOperands } from '../../../src/backends/wasm/wasm-conv.js';
import type { SimdVariant } from '../../../src/backends/wasm/wasm-instance.js';
import { runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
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
 */
const U = 2 ** -24;

interface ConvCase extends WindowCase {
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly bias: boolean;
  readonly activation?: ConvActivation;
}

interface Operands extends WasmConvOperands {
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly bias?: Float32Array;
  readonly y: Float32Array;
}

const ACTIVATIONS: (ConvActivation | undefined)[] = [
  undefined,
  { kind: 'Relu' },
  { kind: 'Clip', min: -0.5, max: 0.75 },
  { kind: 'LeakyRelu', alpha: 0.1 },
  { kind: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  { kind: 'Sigmoid' },
  { kind: 'Tanh' },
];

function applyActivation(v: number, a: ConvActivation | undefined): number {
  switch (a?.kind) {
    case undefined: return v;
    case 'Relu': return Math.max(v, 0);
    case 'Clip': return Math.min(Math.max(v, a.min), a.max);
    case 'LeakyRelu': return v < 0 ? a.alpha * v : v;
    case 'HardSigmoid': return Math.max(0, Math.min(1, a.alpha * v + a.beta));
    case 'Sigmoid': return 1 / (1 + Math.exp(-v));
    case 'Tanh': return Math.tanh(v);
  }
}

function lipschitz(a: ConvActivation | undefined): number {
  return a?.kind === 'LeakyRelu' || a?.kind === 'HardSigmoid' ? Math.max(1, a.alpha) : 1;
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
  return {
    value: naiveConv(Array.from(op.x), Array.from(op.w), op.bias && Array.from(op.bias), spec),
    magnitude: naiveConv(abs(op.x)!, abs(op.w)!, abs(op.bias), spec),
  };
}

/** TypeScript's Conv (env.wasm.simd off) on the same operands, through a one-node model; the activation applied after, in doubles. */
async function typescriptConv(c: ConvCase, op: Operands): Promise<Float32Array> {
  const xDims = [c.batch, c.group * c.inPerGroup, ...c.spatial];
  const wDims = [c.group * c.outPerGroup, c.inPerGroup, ...c.kernel];
  const inputs = [{ name: 'x', type: 'float32' as const, shape: xDims }, { name: 'w', type: 'float32' as const, shape: wDims }];
  const feeds: Record<string, Tensor> = { x: new Tensor('float32', op.x, xDims), w: new Tensor('float32', op.w, wDims) };
  if (op.bias) {
    inputs.push({ name: 'b', type: 'float32', shape: [wDims[0]] });
    feeds.b = new Tensor('float32', op.bias, [wDims[0]]);
  }
  const attributes = { ...windowAttributes(c, true), group: attr.int(c.group) };
  const model = singleNodeModel('Conv', inputs, [{ name: 'y', type: 'float32' }], { opset: 22, attributes });
  env.wasm.simd = false;
  try {
    const { y } = await runOnnxts(model, feeds);
    return Float32Array.from(y.data as Float32Array, (v) => applyActivation(v, c.activation));
  } finally {
    delete env.wasm.simd;
  }
}

function describeCase(c: ConvCase): string {
  const act = c.activation ? ` ${c.activation.kind}` : '';
  return `${describeWindow(c)} n${c.batch} g${c.group} ${c.inPerGroup}->${c.outPerGroup}${c.bias ? ' bias' : ''}${act}`;
}

async function checkCase(kernel: WasmConv, c: ConvCase, rng: Rng): Promise<void> {
  const win = windowOf(c);
  const op = operands(c, win, rng);
  expect(kernel.conv2dF32(op, win), describeCase(c)).toBe(true);
  const { value, magnitude } = reference(c, win, op);
  const ts = await typescriptConv(c, op);
  const depth = c.inPerGroup * c.kernel.reduce((a, b) => a * b, 1);
  const gamma = (2 * depth + 8) * U * lipschitz(c.activation);
  for (let i = 0; i < value.length; i++) {
    const want = applyActivation(value[i], c.activation);
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
    activation: rng.next() < 0.5 ? undefined : ACTIVATIONS[rng.int(1, ACTIVATIONS.length - 1)],
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
                batch: 2, group: 5, inPerGroup: 1, outPerGroup: 1, bias: true, activation: { kind: 'Relu' },
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
    });

    it('typical layer shapes: a 7x7/2 stem, 3x3/2 on odd sizes, 5x5 depthwise', async () => {
      const rng = new Rng(34);
      const base = { dilations: undefined, autoPad: 'NOTSET' as const, batch: 1, bias: true };
      await checkCase(kernel, { ...base, spatial: [45, 39], kernel: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3], group: 1, inPerGroup: 3, outPerGroup: 16 }, rng);
      await checkCase(kernel, { ...base, spatial: [15, 15], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 1, inPerGroup: 12, outPerGroup: 12, activation: { kind: 'LeakyRelu', alpha: 0.1 } }, rng);
      await checkCase(kernel, { ...base, spatial: [19, 19], kernel: [5, 5], strides: [2, 2], pads: [2, 2, 2, 2], group: 24, inPerGroup: 1, outPerGroup: 1, activation: { kind: 'Clip', min: 0, max: 6 } }, rng);
    });

    it('gives bit-identical results with W packed once, and refuses W packed for another shape', () => {
      const rng = new Rng(40);
      for (const overrides of [{ group: 2, inPerGroup: 30, outPerGroup: 7 }, { group: 1, inPerGroup: 3, outPerGroup: 16 }, { group: 4, inPerGroup: 1, outPerGroup: 2 }]) {
        const c = randomCase(rng, overrides);
        const win = windowOf(c);
        const op = operands(c, win, rng);
        const depth = c.inPerGroup * c.kernel.reduce((a, b) => a * b, 1);
        const packed = kernel.packWeights(op.w, c.group, c.outPerGroup, depth);
        expect(packed).toBeDefined();
        const y = Float32Array.from(op.y);
        expect(kernel.conv2dF32({ ...op, y }, win, packed)).toBe(true);
        expect(kernel.conv2dF32(op, win)).toBe(true);
        expect(y).toEqual(op.y);
        const other = { ...packed!, depth: depth + 1 };
        // Depthwise convolutions read W as it is and ignore packed weights.
        if (c.inPerGroup === 1) expect(kernel.conv2dF32(op, win, other)).toBe(true);
        else expect(() => kernel.conv2dF32(op, win, other)).toThrow(KernelInputError);
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
    expect(wasmConv2dF32(op, win, packConvWeightsF32(op.w, c.group, c.outPerGroup, c.inPerGroup * c.kernel.reduce((a, b) => a * b, 1)))).toBe(true);
    expect(op.y.some(Number.isNaN)).toBe(false);
  });

  it('is off with env.wasm.simd = false', () => {
    const c = randomCase(new Rng(38));
    const win = windowOf(c);
    const op = operands(c, win, new Rng(39));
    env.wasm.simd = false;
    expect(wasmConv2dF32(op, win)).toBe(false);
    expect(packConvWeightsF32(op.w, c.group, c.outPerGroup, c.inPerGroup)).toBeUndefined();
    expect(wasmConvVariant()).toBeUndefined();
    expect(op.y.every(Number.isNaN)).toBe(true);
  });
});
