#!/usr/bin/env node
/**
 * The parallel GEMM against one thread, float32, beta 0 (as MatMul calls it):
 *   1 thread    wasmGemmF32 (what gemm() runs today)
 *   N threads   GemmPool.gemm with N - 1 helper workers
 *   ceiling     N independent one-thread GEMMs at once, one per thread: the throughput this
 *               machine gives N threads right now (a shared or SMT machine gives less than N)
 * Runs alternate between the two variants and the best of --rounds is kept, so a busy
 * machine disturbs both alike. Also checks the N-thread C is bit-identical to one thread's.
 *
 * Usage: npm run build && node --experimental-wasm-relaxed-simd test/threads/support/bench-intra-op.mjs
 *          [--dist DIR] [--threads N] [--rounds R] [--shapes MxNxK;MxNxK...]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { randomFloats } from '../../../scripts/bench-timing.mjs';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' }, threads: { type: 'string', default: '2' }, rounds: { type: 'string', default: '7' },
    shapes: { type: 'string' },
  },
});
const dist = resolve(args.dist);
const threads = Number(args.threads);
const rounds = Number(args.rounds);
const load = (path) => import(pathToFileURL(resolve(dist, path)).href);
const { wasmGemmF32, wasmGemmVariant } = await load('backends/wasm/wasm-gemm.js');
const { GemmPool } = await load('backends/threads/gemm-pool.js');
const { createNodeWorkerStarter } = await load('platform/node-worker-host.js');

/** Square products, conv-shaped ones (out channels x positions x patch), BERT-base's (tokens x out x in), a GEMV. */
const shapes = args.shapes?.split(';').map((s) => s.split('x').map(Number)) ?? [
  [1024, 1024, 1024], [512, 512, 512], [256, 256, 256], [128, 128, 128],
  [64, 3136, 576], [3136, 64, 576], [64, 1820, 576], [32, 12544, 64],
  [128, 3072, 768], [128, 768, 3072], [128, 768, 768], [1, 1000, 2048],
];

function operands(m, n, k, c) {
  return { m, n, k, a: randomFloats(m * k, 1), aOffset: 0, lda: k, transA: false, b: randomFloats(k * n, 2), bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, alpha: 1, beta: 0 };
}

/** Best ms per call of each function, alternating between them round by round. */
function bestOf(fns) {
  const best = fns.map(() => Infinity);
  for (const fn of fns) fn();
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      let reps = 0;
      const t0 = performance.now();
      do {
        fn();
        reps++;
      } while (performance.now() - t0 < 30);
      best[i] = Math.min(best[i], (performance.now() - t0) / reps);
    });
  }
  return best;
}

/** `threads` copies of the one-thread GEMM at once (this thread and threads - 1 workers): ms for all to finish. */
async function ceiling(m, n, k) {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    ${randomFloats.toString()}
    ${operands.toString()}
    import(workerData.url).then(({ wasmGemmF32 }) => {
      const op = operands(workerData.m, workerData.n, workerData.k, new Float32Array(workerData.m * workerData.n));
      parentPort.on('message', (reps) => { for (let i = 0; i < reps; i++) wasmGemmF32(op); parentPort.postMessage(0); });
      parentPort.postMessage('ready');
    });`;
  const url = pathToFileURL(resolve(dist, 'backends/wasm/wasm-gemm.js')).href;
  const workers = Array.from({ length: threads - 1 }, () => new Worker(source, { eval: true, workerData: { url, m, n, k } }));
  await Promise.all(workers.map((w) => new Promise((done) => w.once('message', done))));
  const op = operands(m, n, k, new Float32Array(m * n));
  const [one] = bestOf([() => wasmGemmF32(op)]);
  const reps = Math.max(3, Math.ceil(100 / one));
  let best = 0;
  for (let r = 0; r < 3; r++) {
    let t0 = performance.now();
    for (let i = 0; i < reps; i++) wasmGemmF32(op);
    const alone = (performance.now() - t0) / reps;
    t0 = performance.now();
    const done = workers.map((w) => new Promise((ok) => w.once('message', ok)));
    for (const w of workers) w.postMessage(reps);
    for (let i = 0; i < reps; i++) wasmGemmF32(op);
    await Promise.all(done);
    best = Math.max(best, (threads * alone) / ((performance.now() - t0) / reps));
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return best;
}

const pool = await GemmPool.start(threads - 1, createNodeWorkerStarter(pathToFileURL(resolve(dist, 'platform') + '/')), wasmGemmVariant());
console.log(`wasm ${wasmGemmVariant()}, ${threads} threads, best of ${rounds} rounds\n`);
console.log('| m x n x k | 1 thread ms | GFLOP/s | ' + `${threads} threads ms | GFLOP/s | speedup | ceiling | bit-identical |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const [m, n, k] of shapes) {
  const one = operands(m, n, k, new Float32Array(m * n));
  const many = { ...one, c: new Float32Array(m * n) };
  let parallel = true;
  const [t1, tn] = bestOf([() => wasmGemmF32(one), () => (parallel = pool.gemm(many, threads))]);
  if (!parallel) wasmGemmF32(many);
  const identical = Buffer.compare(Buffer.from(one.c.buffer), Buffer.from(many.c.buffer)) === 0;
  const gflops = (ms) => ((2 * m * n * k) / ms / 1e6).toFixed(1);
  const [nMs, nGflops, speedup] = parallel ? [tn.toFixed(2), gflops(tn), (t1 / tn).toFixed(2)] : ['-', '-', 'not split (too small)'];
  console.log(`| ${m} x ${n} x ${k} | ${t1.toFixed(2)} | ${gflops(t1)} | ${nMs} | ${nGflops} | ${speedup} | ${(await ceiling(m, n, k)).toFixed(2)} | ${identical} |`);
}
await pool.close();
