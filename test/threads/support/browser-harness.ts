/**
 * Page script of the Chromium threads test: a session in a Web Worker (RemoteSession over
 * createBrowserWorkerStarter) and the parallel GEMM on the page's main thread, where the
 * caller may not block and spins for its helpers instead.
 */
import { wasmGemmF32, wasmGemmVariant } from '../../../src/backends/wasm/wasm-gemm.js';
import { Tensor } from '../../../src/api/tensor.js';
import { browserPlatform } from '../../../src/platform/browser.js';
import { createBrowserWorkerStarter } from '../../../src/platform/browser-worker-host.js';
import { installPlatform } from '../../../src/platform/platform.js';
import { GemmPool } from '../../../src/backends/threads/gemm-pool.js';
import { RemoteSession } from '../../../src/runtime/threads/remote-session.js';

installPlatform(browserPlatform);
const start = createBrowserWorkerStarter();

interface PlainTensor { type: Tensor.Type; dims: number[]; data: number[] }

async function runRemote(model: string, feeds: Record<string, PlainTensor>): Promise<Record<string, PlainTensor>> {
  const session = await RemoteSession.create(start, { location: model, externalData: [] }, {}, 1);
  try {
    const tensors = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new Tensor(t.type, Float32Array.from(t.data), t.dims)]));
    const outputs = await session.run(tensors, undefined, undefined);
    return Object.fromEntries(Object.entries(outputs).map(([k, t]) => {
      const tensor = t as Tensor;
      return [k, { type: tensor.type, dims: [...tensor.dims], data: Array.from(tensor.data as Float32Array) }];
    }));
  } finally {
    await session.release();
  }
}

async function loadError(model: string): Promise<{ name: string; problem?: string; message: string } | null> {
  try {
    await RemoteSession.create(start, { location: model, externalData: [] }, {}, 1);
    return null;
  } catch (error) {
    return { name: (error as Error).name, problem: (error as { problem?: string }).problem, message: (error as Error).message };
  }
}

/** The parallel GEMM on this (main) thread against one-thread wasm: true when bit-identical. */
async function parallelGemm(m: number, n: number, k: number): Promise<{ ran: boolean; identical: boolean; variant?: string }> {
  const variant = wasmGemmVariant();
  if (!variant) throw new Error('no WebAssembly GEMM in this browser');
  const pool = await GemmPool.start(1, start, variant);
  try {
    let seed = 1;
    const random = (length: number) => Float32Array.from({ length }, () => ((seed = (Math.imul(1103515245, seed) + 12345) >>> 0) / 2 ** 32) * 2 - 1);
    const a = random(m * k), b = random(k * n);
    const op = (c: Float32Array) => ({ m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, alpha: 1, beta: 0 });
    const one = new Float32Array(m * n);
    const two = new Float32Array(m * n);
    wasmGemmF32(op(one));
    const ran = pool.gemm(op(two), 2);
    const identical = new Uint32Array(one.buffer).every((bits, i) => bits === new Uint32Array(two.buffer)[i]);
    return { ran, identical, variant };
  } finally {
    await pool.close();
  }
}

Object.assign(globalThis, { threadsTest: { crossOriginIsolated: globalThis.crossOriginIsolated, runRemote, loadError, parallelGemm } });
