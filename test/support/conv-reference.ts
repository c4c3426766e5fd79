/**
 * References for the conv kernels' tests: the epilogue activations in double precision, and the
 * TypeScript Conv through a one-node model.
 */
import { env } from '../../src/api/env.js';
import { Tensor } from '../../src/index.js';
import type { ConvActivation } from '../../src/backends/wasm/conv-activation.js';
import { runOnnxts } from './differential.js';
import { singleNodeModel, type AttributeValue } from './model-builder.js';

/** Every epilogue activation the conv kernels apply, and none. */
export const CONV_ACTIVATIONS: (ConvActivation | undefined)[] = [
  undefined,
  { kind: 'Relu' },
  { kind: 'Clip', min: -0.5, max: 0.75 },
  { kind: 'LeakyRelu', alpha: 0.1 },
  { kind: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  { kind: 'HardSwish' },
  { kind: 'Sigmoid' },
  { kind: 'Tanh' },
  { kind: 'QuickGelu', alpha: 1.702 },
  { kind: 'QuickGelu', alpha: 1 },
];

/** The activation in double precision: the reference the kernels' float32 results are held to. */
export function applyConvActivation(v: number, a: ConvActivation | undefined): number {
  switch (a?.kind) {
    case undefined: return v;
    case 'Relu': return Math.max(v, 0);
    case 'Clip': return Math.min(Math.max(v, a.min), a.max);
    case 'LeakyRelu': return v < 0 ? a.alpha * v : v;
    case 'HardSigmoid': return Math.max(0, Math.min(1, a.alpha * v + a.beta));
    case 'Sigmoid': return 1 / (1 + Math.exp(-v));
    case 'Tanh': return Math.tanh(v);
    case 'HardSwish': return v * Math.max(0, Math.min(1, v / 6 + 0.5));
    case 'QuickGelu': return v / (1 + Math.exp(-a.alpha * v));
  }
}

export interface ConvReferenceOperands {
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly bias?: Float32Array;
  readonly residual?: Float32Array;
  readonly activation?: ConvActivation;
}

/** The TypeScript Conv (env.wasm.simd off) through a one-node model; Z and the activation applied after, in doubles. */
export async function typescriptConv(
  op: ConvReferenceOperands, xDims: readonly number[], wDims: readonly number[], attributes: Record<string, AttributeValue>,
): Promise<Float32Array> {
  const inputs = [{ name: 'x', type: 'float32' as const, shape: [...xDims] }, { name: 'w', type: 'float32' as const, shape: [...wDims] }];
  const feeds: Record<string, Tensor> = { x: new Tensor('float32', op.x, [...xDims]), w: new Tensor('float32', op.w, [...wDims]) };
  if (op.bias) {
    inputs.push({ name: 'b', type: 'float32', shape: [wDims[0]] });
    feeds.b = new Tensor('float32', op.bias, [wDims[0]]);
  }
  const model = singleNodeModel('Conv', inputs, [{ name: 'y', type: 'float32' }], { opset: 22, attributes });
  env.wasm.simd = false;
  try {
    const { y } = await runOnnxts(model, feeds);
    const z = op.residual;
    return Float32Array.from(y.data as Float32Array, (v, i) => applyConvActivation(z ? v + z[i] : v, op.activation));
  } finally {
    delete env.wasm.simd;
  }
}
