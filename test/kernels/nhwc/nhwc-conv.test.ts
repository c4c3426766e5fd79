import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/config/env.js';
import { wasmGemmHeap } from '../../../src/backends/wasm/wasm-gemm.js';
import type { ConvActivation } from '../../../src/backends/wasm/conv-activation.js';
import { convolve } from '../../../src/kernels/conv/conv.js';
import type { KernelContext } from '../../../src/kernels/kernel.js';
import { nhwcConvolve, type NhwcConvAttributes } from '../../../src/kernels/nhwc/nhwc-conv.js';
import { nhwcModuleOn } from '../../../src/backends/wasm/nhwc-module.js';
import { TO_NCHW, TO_NHWC } from '../../../src/kernels/nhwc/nhwc-layout.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { stridesOf } from '../../../src/tensor/shape.js';
import { randomDense, Rng } from '../../support/random.js';

const context = { node: { name: 'nhwc', opType: 'Conv', domain: 'com.ms.internal.nhwc' }, opset: 1 } as unknown as KernelContext;

function permute(t: DenseTensor, perm: readonly number[]): DenseTensor {
  const strides = stridesOf(t.dims);
  const dims = perm.map((p) => t.dims[p]);
  const out = new Float32Array(t.size);
  const src = t.data as Float32Array;
  const outStrides = stridesOf(dims);
  for (let i = 0; i < out.length; i++) {
    let from = 0;
    let rest = i;
    for (let a = 0; a < dims.length; a++) {
      const index = Math.floor(rest / outStrides[a]);
      rest -= index * outStrides[a];
      from += index * strides[perm[a]];
    }
    out[i] = src[from];
  }
  return new DenseTensor('float32', dims, out);
}

const ACTIVATIONS: (ConvActivation | undefined)[] = [
  undefined, { kind: 'Relu' }, { kind: 'Clip', min: -0.5, max: 0.75 }, { kind: 'HardSwish' },
  { kind: 'LeakyRelu', alpha: 0.1 }, { kind: 'Sigmoid' }, { kind: 'QuickGelu', alpha: 1 },
];

interface Case {
  readonly label: string;
  readonly x: number[];
  readonly w: number[];
  readonly attrs: NhwcConvAttributes;
  readonly bias: boolean;
  readonly residual: boolean;
}

function randomCase(kind: 'pointwise' | 'depthwise' | 'grouped', rng: Rng): Case {
  const batch = rng.int(0, 2) === 0 && rng.next() < 0.3 ? 0 : rng.int(1, 2);
  const [h, w] = [rng.int(1, 11), rng.int(1, 11)];
  const activation = ACTIVATIONS[rng.int(0, ACTIVATIONS.length - 1)];
  const bias = rng.next() < 0.7;
  const residual = rng.next() < 0.4;
  if (kind === 'pointwise') {
    const [cin, cout] = [rng.int(1, 13), rng.int(1, 11)];
    const attrs = { conv: { window: { autoPad: 'NOTSET' as const }, group: 1 }, activation };
    return { label: `pointwise x[${batch},${h},${w},${cin}] -> ${cout}`, x: [batch, h, w, cin], w: [cout, cin, 1, 1], attrs, bias, residual };
  }
  const k = [rng.int(1, 5), rng.int(1, 5)];
  const dilations = [rng.int(1, 2), rng.int(1, 2)];
  const pads = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
  // The padded image must hold one dilated window.
  const size = [Math.max(h, (k[0] - 1) * dilations[0] + 1), Math.max(w, (k[1] - 1) * dilations[1] + 1)];
  const strides = [rng.int(1, 3), rng.int(1, 3)];
  const window = { autoPad: 'NOTSET' as const, strides, dilations, pads };
  if (kind === 'depthwise') {
    const c = rng.int(1, 13);
    return {
      label: `depthwise x[${batch},${size},${c}] k${k} s${strides} d${dilations} p${pads}`,
      x: [batch, size[0], size[1], c], w: [c, 1, k[0], k[1]], attrs: { conv: { window, group: c }, activation }, bias, residual,
    };
  }
  const group = rng.int(1, 3);
  const [inPer, outPer] = [rng.int(1, 4), rng.int(1, 4)];
  return {
    label: `grouped(${group}) x[${batch},${size},${group * inPer}] -> ${group * outPer} k${k} s${strides}`,
    x: [batch, size[0], size[1], group * inPer], w: [group * outPer, inPer, k[0], k[1]],
    attrs: { conv: { window, group }, activation }, bias, residual,
  };
}

function check(c: Case, rng: Rng): void {
  const x = randomDense('float32', c.x, rng, -1, 1);
  const w = randomDense('float32', c.w, rng, -1, 1);
  const b = c.bias ? randomDense('float32', [c.w[0]], rng, -1, 1) : undefined;
  const planar = convolve([permute(x, TO_NCHW), w, b], c.attrs.conv);
  const z = c.residual ? randomDense('float32', permute(planar, TO_NHWC).dims, rng, -1, 1) : undefined;
  const zPlanar = z && permute(z, TO_NCHW);
  const expected = permute(
    convolve([permute(x, TO_NCHW), w, b], c.attrs.conv, {
      residual: zPlanar && { dims: zPlanar.dims, values: zPlanar.data as Float32Array }, activation: c.attrs.activation,
    }),
    TO_NHWC,
  );
  const got = nhwcConvolve([x, w, b, z], c.attrs, context);
  const label = `${c.label} bias ${c.bias} Z ${c.residual} ${c.attrs.activation?.kind ?? 'no activation'}`;
  expect(got.dims, label).toEqual(expected.dims);
  const [g, e] = [got.data as Float32Array, expected.data as Float32Array];
  for (let i = 0; i < e.length; i++) {
    if (Math.abs(g[i] - e[i]) > 1e-4 * (1 + Math.abs(e[i]))) expect(`${label} [${i}]: ${g[i]}`).toBe(`${label} [${i}]: ${e[i]}`);
  }
}

describe.each([true, false])('NHWC Conv (wasm %s) matches the planar Conv, transposed', (wasm) => {
  const saved = env.wasm.simd;
  afterEach(() => {
    env.wasm.simd = saved;
  });
  it.each(['pointwise', 'depthwise', 'grouped'] as const)('%s, randomized shapes', (kind) => {
    env.wasm.simd = wasm ? saved : false;
    const heap = wasmGemmHeap();
    expect(heap !== undefined && nhwcModuleOn(heap.memory) !== undefined).toBe(wasm);
    const rng = new Rng(kind.length * 7 + (wasm ? 1 : 2));
    for (let i = 0; i < 60; i++) check(randomCase(kind, rng), rng);
  });

  it('3x3 depthwise windows (the register-blocked rows) at every small size, stride and padding', () => {
    env.wasm.simd = wasm ? saved : false;
    const rng = new Rng(11);
    for (const size of [1, 2, 3, 4, 5, 8]) {
      for (const stride of [1, 2, 3]) {
        for (const pad of [0, 1, 2]) {
          if (size + 2 * pad < 3) continue;
          const c = rng.int(1, 11);
          const window = { autoPad: 'NOTSET' as const, strides: [stride, stride], pads: [pad, pad, pad, pad] };
          check({ label: `dw3x3 ${size}/${stride}/${pad}`, x: [1, size, size + 1, c], w: [c, 1, 3, 3], attrs: { conv: { window, group: c }, activation: undefined }, bias: true, residual: rng.next() < 0.5 }, rng);
        }
      }
    }
  });

  it('pointwise at panel, row-block and chunk edges (the direct kernel up to 1024 input channels, the GEMM past it)', () => {
    env.wasm.simd = wasm ? saved : false;
    const rng = new Rng(23);
    const pointwise = { window: { autoPad: 'NOTSET' as const }, group: 1 };
    const shapes: [number[], number][] = [
      [[1, 9, 7, 5], 17], [[2, 6, 11, 40], 33], [[1, 5, 13, 256], 9], [[1, 3, 3, 1024], 11], [[1, 2, 3, 1025], 8], [[1, 1, 35, 16], 1], [[1, 8, 4, 3], 24],
    ];
    for (const [x, cout] of shapes) {
      for (const activation of [undefined, { kind: 'QuickGelu', alpha: 1 } as const, { kind: 'Relu' } as const]) {
        const label = `pw x[${x}] -> ${cout}`;
        check({ label, x, w: [cout, x[3], 1, 1], attrs: { conv: pointwise, activation }, bias: rng.next() < 0.7, residual: rng.next() < 0.5 }, rng);
      }
    }
  });

  it('takes MobileNet-sized depthwise and pointwise layers', () => {
    env.wasm.simd = wasm ? saved : false;
    const rng = new Rng(5);
    const window = { autoPad: 'NOTSET' as const, strides: [2, 2], pads: [1, 1, 1, 1] };
    check({ label: 'dw 3x3/2', x: [1, 29, 27, 36], w: [36, 1, 3, 3], attrs: { conv: { window, group: 36 }, activation: { kind: 'Clip', min: 0, max: 6 } }, bias: true, residual: false }, rng);
    check({ label: 'pw 37->67', x: [1, 13, 15, 37], w: [67, 37, 1, 1], attrs: { conv: { window: { autoPad: 'NOTSET' }, group: 1 }, activation: undefined }, bias: true, residual: true }, rng);
  });
});
