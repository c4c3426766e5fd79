import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { Tensor } from '../../../src/index.js';
import { slideWindow, type SlidingWindow } from '../../../src/kernels/conv/sliding-window.js';
import { instantiateConv } from '../../../src/backends/wasm/conv-module.js';
import type { SimdVariant } from '../../../src/backends/wasm/wasm-instance.js';
import { wasmConv2dF32, type ConvWeightCache } from '../../../src/backends/wasm/wasm-conv.js';
import { WasmPool, wasmAveragePool2dF32, wasmMaxPool2dF32 } from '../../../src/backends/wasm/wasm-pool.js';
import { runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { describeWindow, randomWindow, windowAttributes, type WindowCase } from '../../kernels/conv/window-cases.js';

/**
 * MaxPool selects an element, so it must match the TypeScript kernel exactly, NaN and signed
 * zeros included. AveragePool sums in f32 in its own order and divides once: against the
 * TypeScript kernel (double sum, one rounding) the error is at most (taps + 2) * u times the
 * average of |X| over the window (Higham, section 3.1), with u = 2^-24.
 */
const U = 2 ** -24;

interface PoolCase extends WindowCase {
  readonly op: 'MaxPool' | 'AveragePool';
  readonly batch: number;
  readonly channels: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
}

function windowOf(c: PoolCase): SlidingWindow {
  return slideWindow(
    { autoPad: c.autoPad ?? 'NOTSET', kernelShape: c.kernel, strides: c.strides, dilations: c.dilations, pads: c.pads },
    c.spatial, c.kernel, { ceilMode: c.ceilMode, negativeSamePadding: true },
  );
}

/** Values in [-1, 1), with NaN, -0 and +0 sprinkled in for MaxPool. */
function input(c: PoolCase, rng: Rng): Float32Array {
  const length = c.batch * c.channels * c.spatial.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length }, () => {
    const u = rng.next();
    if (c.op === 'MaxPool' && u < 0.03) return NaN;
    if (c.op === 'MaxPool' && u < 0.06) return u < 0.045 ? -0 : 0;
    return rng.uniform(-1, 1);
  });
}

/** The TypeScript kernel (env.wasm.simd off) through a one-node model. */
async function typescriptPool(c: PoolCase, x: Float32Array): Promise<Float32Array> {
  const dims = [c.batch, c.channels, ...c.spatial];
  const attributes = { ...windowAttributes(c, true), ceil_mode: attr.int(c.ceilMode ? 1 : 0) };
  if (c.op === 'AveragePool') attributes.count_include_pad = attr.int(c.countIncludePad ? 1 : 0);
  const model = singleNodeModel(c.op, [{ name: 'x', type: 'float32', shape: dims }], [{ name: 'y', type: 'float32' }], { opset: 19, attributes });
  env.wasm.simd = false;
  try {
    const { y } = await runOnnxts(model, { x: new Tensor('float32', x, dims) });
    return y.data as Float32Array;
  } finally {
    delete env.wasm.simd;
  }
}

function describeCase(c: PoolCase): string {
  const flags = `${c.ceilMode ? ' ceil' : ''}${c.op === 'AveragePool' && c.countIncludePad ? ' include-pad' : ''}`;
  return `${c.op} ${describeWindow(c)} n${c.batch} c${c.channels}${flags}`;
}

async function checkCase(kernel: WasmPool, c: PoolCase, rng: Rng): Promise<void> {
  const win = windowOf(c);
  const x = input(c, rng);
  const planes = c.batch * c.channels;
  const y = new Float32Array(planes * win.grid.reduce((a, b) => a * b, 1)).fill(12345);
  const ran = c.op === 'MaxPool' ? kernel.maxPool2dF32({ x, y, planes }, win) : kernel.averagePool2dF32({ x, y, planes }, win, c.countIncludePad);
  expect(ran, describeCase(c)).toBe(true);
  const want = await typescriptPool(c, x);
  if (c.op === 'MaxPool') {
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(y[i], want[i])) expect.fail(`${describeCase(c)}: y[${i}] is ${y[i]}, TypeScript gives ${want[i]}`);
    }
    return;
  }
  const magnitude = await typescriptPool(c, x.map(Math.abs));
  const taps = c.kernel.reduce((a, b) => a * b, 1);
  for (let i = 0; i < want.length; i++) {
    const bound = (taps + 2) * U * magnitude[i] + 1e-30;
    if (!(Math.abs(y[i] - want[i]) <= bound)) expect.fail(`${describeCase(c)}: y[${i}] is ${y[i]}, TypeScript gives ${want[i]} (within ${bound})`);
  }
}

function randomCase(rng: Rng, op: PoolCase['op']): PoolCase {
  return {
    ...randomWindow(rng, { ranks: [1, 2], maxSpatial: 14, maxKernel: 4, padBelowKernel: true }),
    op,
    batch: rng.int(1, 2),
    channels: rng.int(1, 5),
    ceilMode: rng.next() < 0.3,
    countIncludePad: rng.next() < 0.5,
  };
}

const variants: SimdVariant[] = ['simd', 'relaxed-simd'];
for (const variant of variants) {
  const module = instantiateConv(variant);
  describe(`wasm f32 pooling, ${variant} build`, () => {
    let kernel: WasmPool;
    beforeAll(() => {
      kernel = new WasmPool(module!);
    });

    for (const op of ['MaxPool', 'AveragePool'] as const) {
      it(`${op} matches the TypeScript kernel on random 1-D and 2-D windows, ceil mode, SAME padding and dilations`, async () => {
        const rng = new Rng(op.length * 7 + variant.length);
        for (let i = 0; i < 80; i++) await checkCase(kernel, randomCase(rng, op), rng);
      });

      it(`${op} on typical shapes: 3x3/2 pad 1, 2x2/2, 5x5/1 pad 2, a window past the image's end`, async () => {
        const rng = new Rng(41);
        const base = { op, batch: 1, channels: 3, ceilMode: false, countIncludePad: false, autoPad: 'NOTSET' as const };
        await checkCase(kernel, { ...base, spatial: [37, 30], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, rng);
        await checkCase(kernel, { ...base, spatial: [28, 27], kernel: [2, 2], strides: [2, 2] }, rng);
        await checkCase(kernel, { ...base, spatial: [20, 20], kernel: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2], countIncludePad: true }, rng);
        await checkCase(kernel, { ...base, spatial: [9, 10], kernel: [3, 3], strides: [2, 2], pads: [0, 1, 0, 1], ceilMode: true }, rng);
        await checkCase(kernel, { ...base, spatial: [6, 7], kernel: [2, 2], strides: [5, 5], autoPad: 'SAME_LOWER' }, rng);
      });
    }

    it('MaxPool 3x3 at stride 2 across, read directly: odd sizes, rows over 16 outputs, stride 1 to 3 down, pads, ceil mode, SAME', async () => {
      const rng = new Rng(43);
      for (let i = 0; i < 24; i++) {
        const strides = [rng.int(1, 3), 2];
        const same = i % 6 === 5;
        const c: PoolCase = {
          op: 'MaxPool', spatial: [rng.int(3, 29), rng.int(3, 47)], kernel: [3, 3], strides, batch: rng.int(1, 2), channels: rng.int(1, 5),
          pads: same ? undefined : [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)], autoPad: same ? 'SAME_UPPER' : 'NOTSET',
          ceilMode: rng.next() < 0.5, countIncludePad: false,
        };
        await checkCase(kernel, c, rng);
      }
    });

    it('splits many planes into chunks of the module memory', async () => {
      await checkCase(kernel, { op: 'MaxPool', spatial: [300, 301], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], batch: 2, channels: 31, ceilMode: false, countIncludePad: false }, new Rng(42));
    });
  });
}

describe('the shared wasm pooling', () => {
  afterEach(() => {
    delete env.wasm.simd;
  });

  it('declines other types, 3-D windows, and everything with env.wasm.simd = false, leaving Y untouched', () => {
    const win = slideWindow({ autoPad: 'NOTSET', kernelShape: [2, 2] }, [4, 4], [2, 2]);
    const x = new Float32Array(16).fill(1);
    const y = new Float32Array(9).fill(7);
    expect(wasmMaxPool2dF32({ x: Float64Array.from(x), y, planes: 1 }, win)).toBe(false);
    const cube = slideWindow({ autoPad: 'NOTSET', kernelShape: [1, 1, 1] }, [2, 2, 4], [1, 1, 1]);
    expect(wasmAveragePool2dF32({ x, y: new Float32Array(16), planes: 1 }, cube, false)).toBe(false);
    env.wasm.simd = false;
    expect(wasmMaxPool2dF32({ x, y, planes: 1 }, win)).toBe(false);
    expect(wasmAveragePool2dF32({ x, y, planes: 1 }, win, true)).toBe(false);
    expect(y.every((v) => v === 7)).toBe(true);
    delete env.wasm.simd;
    expect(wasmMaxPool2dF32({ x, y, planes: 1 }, win)).toBe(true);
    expect(y.every((v) => v === 1)).toBe(true);
  });

  it('keeps clear of the weights convolutions keep in the same module memory', () => {
    const rng = new Rng(7);
    const random = (length: number): Float32Array => Float32Array.from({ length }, () => rng.uniform(-1, 1));
    const convWindow = slideWindow({ autoPad: 'NOTSET', kernelShape: [1, 1] }, [8, 8], [1, 1]);
    const op = { x: random(64 * 64), w: random(64 * 64), batch: 1, group: 1, inPerGroup: 64, outPerGroup: 64 };
    const cache: ConvWeightCache = {};
    const conv = (): Float32Array => {
      const y = new Float32Array(64 * 64);
      expect(wasmConv2dF32({ ...op, y }, convWindow, cache)).toBe(true);
      return y;
    };
    // With a cache, W is prepared on the first call and kept in the module's memory for the next.
    const before = conv();
    const poolWindow = slideWindow({ autoPad: 'NOTSET', kernelShape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, [112, 112], [3, 3]);
    expect(wasmMaxPool2dF32({ x: random(64 * 112 * 112), y: new Float32Array(64 * 56 * 56), planes: 64 }, poolWindow)).toBe(true);
    expect(Array.from(conv())).toEqual(Array.from(before));
  });
});
