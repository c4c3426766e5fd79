/**
 * Float32 GEMM throughput, one thread, in one run so the ratios hold on this machine:
 *   ts          gemm() with env.wasm.simd = false (the TypeScript packed kernel);
 *   wasm        wasmGemmF32 (copy in, pack B, multiply, copy out);
 *   wasm pre-B  wasmGemmF32 with B packed once by packBF32 (a constant weight);
 *   ort B in    onnxruntime-web's MatMul, numThreads 1, B a graph input;
 *   ort B init  the same with B an initializer (ort prepacks it at session creation).
 * Then, for small products, ts against wasm: where gemm() should start calling wasm.
 *
 * Usage: npm run build && node scripts/bench-gemm.mjs [--dist DIR] [--quick]
 * Each figure is the best of several timed runs after a warm-up (the machine is shared; the
 * best run is the one least disturbed). C is overwritten each run (beta 0), as MatMul does.
 */
import * as ort from 'onnxruntime-web';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bestMs as bestOf, randomFloats } from './bench-timing.mjs';

const bestMs = (call, rounds = args.quick ? 3 : 5) => bestOf(call, rounds);

const { values: args } = parseArgs({ options: { dist: { type: 'string', default: 'dist' }, quick: { type: 'boolean', default: false } } });
const load = (path) => import(pathToFileURL(resolve(args.dist, path)).href);
const { gemm } = await load('kernels/linalg/gemm-core.js');
const { wasmGemmF32, packBF32, wasmGemmVariant } = await load('backends/wasm/wasm-gemm.js');
const { env } = await load('api/env.js');
const { encodeModelProto } = await load('onnx/encode.js');

const large = [
  [256, 256, 256], [512, 512, 512], [1024, 1024, 1024],
  [3136, 64, 576], [64, 3136, 576], [784, 128, 1152], [196, 256, 2304], [1, 1000, 2048],
];
const small = [
  [4, 4, 4], [8, 8, 8], [16, 16, 16], [32, 32, 32], [64, 64, 64],
  [1, 1, 1024], [1, 2, 512], [2, 2, 256], [1, 4, 256], [4, 4, 64], [1, 64, 64], [64, 1, 64],
];

function operands(m, n, k) {
  const a = randomFloats(m * k, 1);
  const b = randomFloats(k * n, 2);
  const c = new Float32Array(m * n);
  return { m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, alpha: 1, beta: 0 };
}

function withWasm(enabled, call) {
  return () => {
    const before = env.wasm.simd;
    env.wasm.simd = enabled;
    try {
      return call();
    } finally {
      env.wasm.simd = before;
    }
  };
}

function matmulModel(m, n, k, bInitializer) {
  const info = (name, dims) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => ({ dim_value: d })) } } } });
  const b = bInitializer ? [{ name: 'B', dims: [k, n], data_type: 1, raw_data: new Uint8Array(bInitializer.buffer, bInitializer.byteOffset, bInitializer.byteLength) }] : [];
  return encodeModelProto({
    ir_version: 8,
    producer_name: 'bench-gemm',
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'matmul',
      node: [{ op_type: 'MatMul', domain: '', name: 'matmul', input: ['A', 'B'], output: ['C'], attribute: [] }],
      input: bInitializer ? [info('A', [m, k])] : [info('A', [m, k]), info('B', [k, n])],
      output: [info('C', [m, n])],
      initializer: b,
    },
  });
}

async function ortMs(op, bConstant) {
  const session = await ort.InferenceSession.create(matmulModel(op.m, op.n, op.k, bConstant ? op.b : undefined), {
    executionProviders: ['wasm'],
  });
  const feeds = { A: new ort.Tensor('float32', op.a, [op.m, op.k]) };
  if (!bConstant) feeds.B = new ort.Tensor('float32', op.b, [op.k, op.n]);
  const ms = await bestMs(() => session.run(feeds));
  await session.release();
  return ms;
}

const gflops = (op, ms) => (2 * op.m * op.n * op.k) / ms / 1e6;
const cell = (value, width = 11) => (typeof value === 'number' ? value.toFixed(1) : value).padStart(width);

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
console.log(`wasm build: ${wasmGemmVariant() ?? 'none (TypeScript only)'}; node ${process.version}; GFLOP/s, one thread\n`);
console.log(`${'M x N x K'.padEnd(18)}${['ts', 'wasm', 'wasm pre-B', 'ort B in', 'ort B init', 'wasm/ort'].map((h) => cell(h)).join('')}`);
for (const [m, n, k] of large) {
  const op = operands(m, n, k);
  const packed = packBF32(op.b, 0, n, false, k, n);
  const ts = gflops(op, await bestMs(withWasm(false, () => gemm(op)), args.quick || m * n * k > 2 ** 27 ? 2 : 3));
  const wasm = gflops(op, await bestMs(() => wasmGemmF32(op)));
  const prepacked = gflops(op, await bestMs(() => wasmGemmF32(op, packed)));
  const ortInput = gflops(op, await ortMs(op, false));
  const ortConst = gflops(op, await ortMs(op, true));
  console.log(`${`${m} x ${n} x ${k}`.padEnd(18)}${[ts, wasm, prepacked, ortInput, ortConst].map((v) => cell(v)).join('')}${cell(`${(wasm / ortInput).toFixed(2)}x`)}`);
}

console.log(`\nsmall products, where gemm() should hand over to wasm\n${'M x N x K'.padEnd(18)}${['ts', 'wasm', 'wasm/ts'].map((h) => cell(h)).join('')}`);
for (const [m, n, k] of small) {
  const op = operands(m, n, k);
  const ts = gflops(op, await bestMs(withWasm(false, () => gemm(op))));
  const wasm = gflops(op, await bestMs(() => wasmGemmF32(op)));
  console.log(`${`${m} x ${n} x ${k}`.padEnd(18)}${cell(ts)}${cell(wasm)}${cell(`${(wasm / ts).toFixed(2)}x`)}`);
}
