/**
 * LayerNormalization, RMSNormalization, SkipLayerNormalization and SkipSimplifiedLayerNormalization
 * rows in the elementwise WebAssembly module against the double-precision TypeScript loops they
 * stand in for (env.wasm.simd = false): odd row lengths, batches of rows, rows far from zero
 * (1000 + N(0, 1)), shared skips, every optional input and output. Every output within 1e-5
 * (relative above 1).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type ValueSpec } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';

afterEach(() => {
  delete env.wasm.simd;
});

interface Operand {
  readonly name: string;
  readonly dims: number[];
  readonly values: Float32Array;
}

async function run(model: Uint8Array, operands: Operand[], simd: boolean): Promise<Record<string, Tensor>> {
  if (!simd) env.wasm.simd = false;
  try {
    return await runOnnxts(model, Object.fromEntries(operands.map((o) => [o.name, new Tensor('float32', o.values, o.dims)])));
  } finally {
    delete env.wasm.simd;
  }
}

/** Worst |got - want| / max(|want|, 1) over every output. */
async function worstDifference(model: Uint8Array, operands: Operand[]): Promise<number> {
  const [wasm, ts] = [await run(model, operands, true), await run(model, operands, false)];
  let worst = 0;
  for (const [name, want] of Object.entries(ts)) {
    const got = wasm[name].data as Float32Array;
    expect(got.length, name).toBe(want.data.length);
    (want.data as Float32Array).forEach((w, i) => {
      worst = Math.max(worst, Number.isNaN(w) && Number.isNaN(got[i]) ? 0 : Math.abs(got[i] - w) / Math.max(Math.abs(w), 1));
    });
  }
  return worst;
}

function gaussian(rng: Rng, size: number, offset: number): Float32Array {
  return Float32Array.from({ length: size }, () => offset + Math.sqrt(-2 * Math.log(1 - rng.uniform(0, 1))) * Math.cos(2 * Math.PI * rng.uniform(0, 1)));
}

const operand = (name: string, dims: number[], values: Float32Array): Operand => ({ name, dims, values });
const spec = (o: Operand): ValueSpec => ({ name: o.name, type: 'float32' as DataType, shape: o.dims });
const outputs = (...names: string[]): ValueSpec[] => names.map((name) => ({ name, type: 'float32' as DataType }));

const LENGTHS = [1, 3, 7, 8, 33, 767, 3073];
const OFFSETS = [0, 1000];

describe('LayerNormalization rows in WebAssembly', () => {
  it.each(LENGTHS.flatMap((length) => OFFSETS.map((offset) => [length, offset])))('rows of %i around %i, with and without B, match within 1e-5', async (length, offset) => {
    const rng = new Rng(length + offset);
    const x = operand('x', [2, 5, length], gaussian(rng, 10 * length, offset));
    const scale = operand('scale', [length], gaussian(rng, length, 0));
    const bias = operand('b', [length], gaussian(rng, length, 0));
    for (const withBias of [true, false]) {
      const inputs = withBias ? [x, scale, bias] : [x, scale];
      const model = singleNodeModel('LayerNormalization', inputs.map(spec), outputs('y', 'mean', 'inv'), { opset: 17, attributes: { epsilon: attr.float(1e-5) } });
      expect(await worstDifference(model, inputs), `B ${withBias}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('a multi-dimensional normalized tail and a broadcast Scale match within 1e-5', async () => {
    const rng = new Rng(5);
    const x = operand('x', [3, 4, 37], gaussian(rng, 3 * 4 * 37, 1000));
    for (const scaleDims of [[4, 37], [1, 37]]) {
      const scale = operand('scale', scaleDims, gaussian(rng, scaleDims[0] * 37, 0));
      const model = singleNodeModel('LayerNormalization', [x, scale].map(spec), outputs('y', 'mean', 'inv'), { opset: 17, attributes: { axis: attr.int(1) } });
      expect(await worstDifference(model, [x, scale]), `${scaleDims}`).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe('RMSNormalization rows in WebAssembly', () => {
  it.each(LENGTHS)('rows of %i match within 1e-5', async (length) => {
    const rng = new Rng(length);
    const x = operand('x', [4, 3, length], gaussian(rng, 12 * length, 3));
    const scale = operand('scale', [length], gaussian(rng, length, 0));
    const model = singleNodeModel('RMSNormalization', [x, scale].map(spec), outputs('y'), { opset: 23 });
    expect(await worstDifference(model, [x, scale])).toBeLessThanOrEqual(1e-5);
  });
});

describe.each([['SkipLayerNormalization', false], ['SkipSimplifiedLayerNormalization', true]] as const)('%s rows in WebAssembly', (op, simplified) => {
  it.each(LENGTHS.flatMap((length) => OFFSETS.map((offset) => [length, offset])))('rows of %i around %i, full and shared skips, match within 1e-5', async (length, offset) => {
    const rng = new Rng(length + offset + 1);
    const x = operand('x', [2, 5, length], gaussian(rng, 10 * length, offset));
    const gamma = operand('gamma', [length], gaussian(rng, length, 1));
    const beta = operand('beta', [length], gaussian(rng, length, 0));
    const bias = operand('bias', [length], gaussian(rng, length, 0));
    for (const skipDims of [[2, 5, length], [5, length]]) {
      const skip = operand('skip', skipDims, gaussian(rng, 5 * length * (skipDims.length === 3 ? 2 : 1), 0));
      const inputs = simplified ? [x, skip, gamma, bias] : [x, skip, gamma, beta, bias];
      const all = singleNodeModel(op, inputs.map(spec), outputs('y', 'mean', 'inv', 'sum'), { domain: 'com.microsoft', opset: 1 });
      expect(await worstDifference(all, inputs), `skip ${skipDims}`).toBeLessThanOrEqual(1e-5);
      const bare = [x, skip, gamma];
      const yOnly = singleNodeModel(op, bare.map(spec), outputs('y'), { domain: 'com.microsoft', opset: 1 });
      expect(await worstDifference(yOnly, bare), `skip ${skipDims}, no bias`).toBeLessThanOrEqual(1e-5);
    }
  });
});
