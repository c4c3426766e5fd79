/**
 * Releasing a compiled model gives its weights' packed panels back to the WebAssembly heap at
 * once (not when the weights are collected): a run after the release must pack them afresh,
 * and must still compute the same product.
 */
import { describe, expect, it } from 'vitest';
import { wasmGemmTraffic } from '../../src/backends/wasm/wasm-gemm.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { CompiledModel } from '../../src/runtime/compiled-model.js';
import { loadModel } from '../../src/runtime/load-model.js';
import type { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { buildModel } from '../support/model-builder.js';
import { Rng, randomDense } from '../support/random.js';

describe('CompiledModel.releaseMemory', () => {
  it.skipIf(!wasmGemmTraffic())('drops the packed panels of its weights, and later runs pack them again', async () => {
    const rng = new Rng(31);
    const [m, k, n] = [37, 129, 75];
    const bytes = buildModel({
      nodes: [{ op: 'MatMul', inputs: ['a', 'w'], outputs: ['y'] }],
      inputs: [{ name: 'a', type: 'float32', shape: [m, k] }],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { w: randomDense('float32', [k, n], rng) },
    });
    const compiled = CompiledModel.compile(await loadModel({ bytes }), defaultRegistry(), { freezeInitializerInputs: true });
    const feeds = new Map([[compiled.inputsByName.get('a')!.slot, randomDense('float32', [m, k], rng)]]);
    const copiedByRun = async (): Promise<[number, Float32Array]> => {
      const before = wasmGemmTraffic()!.copiedFloats;
      const [y] = await compiled.run(feeds);
      return [wasmGemmTraffic()!.copiedFloats - before, (y as DenseTensor).data as Float32Array];
    };
    const [first, expected] = await copiedByRun();
    const [kept] = await copiedByRun();
    expect(first - kept, 'the first run packs B').toBeGreaterThanOrEqual(k * n);
    compiled.releaseMemory();
    const [afterRelease, y] = await copiedByRun();
    expect(afterRelease - kept, 'a run after release packs B again').toBeGreaterThanOrEqual(k * n);
    expect(Array.from(y)).toEqual(Array.from(expected));
  });
});
