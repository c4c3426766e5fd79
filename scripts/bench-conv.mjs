/**
 * Float32 convolution and pooling layers, one thread, in one run so the ratios hold here:
 *   session   OnnxTS's Conv through InferenceSession, a one-node model (the kernel as a model
 *             runs it, W prepared once);
 *   wasm      wasmConv2dF32 (the whole convolution in the conv module), called directly, with a
 *             fresh output array per call, W prepared on every call;
 *   pre-W     the same with W prepared once and kept in the module (a ConvWeightCache, as a
 *             session's Conv keeps one per initializer);
 *   ort       onnxruntime-web's Conv, numThreads 1, the same one-node model;
 * W and B are initializers in both models (onnxruntime prepacks W at session creation).
 * Pooling: the TypeScript MaxPool / AveragePool through a session, wasmMaxPool2dF32 /
 * wasmAveragePool2dF32, and onnxruntime-web. max |d| is the largest difference between the
 * wasm output and OnnxTS's current one.
 *
 * Usage: npm run build && node scripts/bench-conv.mjs [--dist DIR] [--quick] [--filter TEXT]
 * Figures are the best milliseconds per layer of several timed runs after a warm-up (the
 * machine is shared; the best run is the one least disturbed).
 */
import * as ort from 'onnxruntime-web';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bestMs as bestOf, randomFloats } from './bench-timing.mjs';

const bestMs = (call, rounds = args.quick ? 3 : 5) => bestOf(call, rounds);

const { values: args } = parseArgs({
  options: { dist: { type: 'string', default: 'dist' }, quick: { type: 'boolean', default: false }, filter: { type: 'string', default: '' } },
});
const load = (path) => import(pathToFileURL(resolve(args.dist, path)).href);
const { wasmConv2dF32, wasmConvVariant } = await load('backends/wasm/wasm-conv.js');
const { wasmAveragePool2dF32, wasmMaxPool2dF32 } = await load('backends/wasm/wasm-pool.js');
const { slideWindow } = await load('kernels/conv/sliding-window.js');
const { encodeModelProto } = await load('onnx/encode.js');
const onnxts = await load('index.js');

/** name, [channels, height, width], out channels, kernel, stride, pad, group */
const layers = [
  ['resnet50 stem 7x7/2', [3, 224, 224], 64, 7, 2, 3, 1],
  ['resnet 3x3 64->64', [64, 56, 56], 64, 3, 1, 1, 1],
  ['resnet 1x1 256->64', [256, 56, 56], 64, 1, 1, 0, 1],
  ['resnet 1x1 64->256', [64, 56, 56], 256, 1, 1, 0, 1],
  ['resnet 3x3/2 128->128 on 28', [128, 28, 28], 128, 3, 2, 1, 1],
  ['resnet 3x3/2 128->128 on 56', [128, 56, 56], 128, 3, 2, 1, 1],
  ['resnet 3x3 256->256 on 14', [256, 14, 14], 256, 3, 1, 1, 1],
  ['resnet 3x3 512->512 on 7', [512, 7, 7], 512, 3, 1, 1, 1],
  ['mbv2 dw 3x3 96 on 56', [96, 56, 56], 96, 3, 1, 1, 96],
  ['mbv2 dw 3x3/2 96 on 112', [96, 112, 112], 96, 3, 2, 1, 96],
  ['mbv2 dw 3x3 144 on 28', [144, 28, 28], 144, 3, 1, 1, 144],
  ['mbv2 dw 3x3/2 144 on 56', [144, 56, 56], 144, 3, 2, 1, 144],
  ['mbv2 dw 3x3 192 on 14', [192, 14, 14], 192, 3, 1, 1, 192],
  ['effnet dw 5x5 240 on 14', [240, 14, 14], 240, 5, 1, 2, 240],
  ['yolo 3x3 16->16 on 160', [16, 160, 160], 16, 3, 1, 1, 1],
  ['yolo 3x3/2 16->32 on 320', [16, 320, 320], 32, 3, 2, 1, 1],
  ['yolo 3x3 32->32 on 80', [32, 80, 80], 32, 3, 1, 1, 1],
  ['yolo 3x3/2 32->64 on 160', [32, 160, 160], 64, 3, 2, 1, 1],
  ['yolo 3x3 64->64 on 80', [64, 80, 80], 64, 3, 1, 1, 1],
];

/** name, op, [channels, height, width], kernel, stride, pad */
const pools = [
  ['resnet maxpool 3x3/2', 'MaxPool', [64, 112, 112], 3, 2, 1],
  ['yolo sppf maxpool 5x5/1', 'MaxPool', [128, 20, 20], 5, 1, 2],
  ['maxpool 2x2/2 on 160', 'MaxPool', [32, 160, 160], 2, 2, 0],
  ['densenet avgpool 2x2/2', 'AveragePool', [256, 28, 28], 2, 2, 0],
  ['inception avgpool 3x3/1', 'AveragePool', [64, 35, 35], 3, 1, 1],
];

const outSize = (size, k, stride, pad) => Math.floor((size + 2 * pad - k) / stride) + 1;

/** A one-node model: X [1, c, h, w] in, Y out, square kernel, stride and pads; `initializers` [name, dims, data]. */
function oneNodeModel(op, [c, h, wd], outChannels, k, stride, pad, extra, initializers = []) {
  const info = (name, dims) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => ({ dim_value: d })) } } } });
  const tensor = ([name, dims, data]) => ({ name, dims, data_type: 1, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  const ints = (name, values) => ({ name, type: 7, ints: values });
  return encodeModelProto({
    ir_version: 8,
    producer_name: 'bench-conv',
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: op,
      node: [{
        op_type: op, domain: '', name: op, input: ['X', ...initializers.map(([name]) => name)], output: ['Y'],
        attribute: [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [pad, pad, pad, pad]), ...extra],
      }],
      input: [info('X', [1, c, h, wd])],
      output: [info('Y', [1, outChannels, outSize(h, k, stride, pad), outSize(wd, k, stride, pad)])],
      initializer: initializers.map(tensor),
    },
  });
}

function convModel(layer, w, b) {
  const [, image, m, k, stride, pad, group] = layer;
  const [c] = image;
  return oneNodeModel('Conv', image, m, k, stride, pad, [{ name: 'group', type: 2, i: group }], [['W', [m, c / group, k, k], w], ['B', [m], b]]);
}

function windowOf(h, wd, k, stride, pad) {
  return slideWindow({ autoPad: 'NOTSET', kernelShape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] }, [h, wd], [k, k]);
}

async function sessionMs(runtime, model, x, dims) {
  const session = await runtime.InferenceSession.create(model, runtime === ort ? { executionProviders: ['wasm'] } : undefined);
  const feeds = { X: new runtime.Tensor('float32', x, dims) };
  const ms = await bestMs(() => session.run(feeds));
  await session.release?.();
  return ms;
}

/** The layer through wasmConv2dF32 (W prepared once with `prepack`); the call returns its output. */
function wasmCall(layer, x, w, b, prepack) {
  const [, [c, h, wd], m, k, stride, pad, group] = layer;
  const win = windowOf(h, wd, k, stride, pad);
  const size = m * win.grid[0] * win.grid[1];
  const op = { x, w, bias: b, batch: 1, group, inPerGroup: c / group, outPerGroup: m / group };
  const cache = prepack ? {} : undefined;
  return () => {
    const y = new Float32Array(size);
    if (!wasmConv2dF32({ ...op, y }, win, cache)) throw new Error('wasmConv2dF32 declined');
    return y;
  };
}

function maxDifference(a, b) {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  return diff;
}

const cell = (value, width = 10) => (typeof value === 'number' ? value.toFixed(2) : value).padStart(width);

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
console.log(`conv module: ${wasmConvVariant() ?? 'none'}; node ${process.version}; best ms per layer, batch 1, one thread\n`);
console.log(`${'conv layer'.padEnd(30)}${['GFLOP', 'session', 'wasm', 'pre-W', 'ort', 'session/wasm', 'pre-W/ort', 'max |d|'].map((h) => cell(h)).join('')}`);
for (const layer of layers) {
  const [name, [c, h, wd], m, k, , , group] = layer;
  if (!name.includes(args.filter)) continue;
  const dims = [1, c, h, wd];
  const x = randomFloats(c * h * wd, 1);
  const w = randomFloats(m * (c / group) * k * k, 2).map((v) => v / Math.sqrt((c / group) * k * k));
  const b = randomFloats(m, 3);
  const model = convModel(layer, w, b);
  const wasm = wasmCall(layer, x, w, b, false);
  const prepacked = wasmCall(layer, x, w, b, true);
  const ours = await (await onnxts.InferenceSession.create(model)).run({ X: new onnxts.Tensor('float32', x, dims) });
  const got = wasm();
  const diff = maxDifference(got, ours.Y.data);
  const flops = (2 * got.length * (c / group) * k * k) / 1e9;
  const tsMs = await sessionMs(onnxts, model, x, dims);
  const wasmMs = await bestMs(wasm);
  const preMs = await bestMs(prepacked);
  const ortMs = await sessionMs(ort, model, x, dims);
  const ratios = [`${(tsMs / wasmMs).toFixed(2)}x`, `${(preMs / ortMs).toFixed(2)}x`, diff.toExponential(1)];
  console.log(`${name.padEnd(30)}${[flops, tsMs, wasmMs, preMs, ortMs].map((v) => cell(v)).join('')}${ratios.map((v) => cell(v)).join('')}`);
}

console.log(`\n${'pool layer'.padEnd(30)}${['ts', 'wasm', 'ort', 'ts/wasm', 'wasm/ort', 'max |d|'].map((h) => cell(h)).join('')}`);
for (const [name, op, image, k, stride, pad] of pools) {
  if (!name.includes(args.filter)) continue;
  const [c, h, wd] = image;
  const dims = [1, c, h, wd];
  const x = randomFloats(c * h * wd, 4);
  const model = oneNodeModel(op, image, c, k, stride, pad, []);
  const win = windowOf(h, wd, k, stride, pad);
  const size = c * win.grid[0] * win.grid[1];
  const wasm = () => {
    const y = new Float32Array(size);
    const ran = op === 'MaxPool' ? wasmMaxPool2dF32({ x, y, planes: c }, win) : wasmAveragePool2dF32({ x, y, planes: c }, win, false);
    if (!ran) throw new Error(`wasm ${op} declined`);
    return y;
  };
  const ours = await (await onnxts.InferenceSession.create(model)).run({ X: new onnxts.Tensor('float32', x, dims) });
  const diff = maxDifference(wasm(), ours.Y.data);
  const tsMs = await sessionMs(onnxts, model, x, dims);
  const wasmMs = await bestMs(wasm);
  const ortMs = await sessionMs(ort, model, x, dims);
  const ratios = [`${(tsMs / wasmMs).toFixed(2)}x`, `${(wasmMs / ortMs).toFixed(2)}x`, diff.toExponential(1)];
  console.log(`${name.padEnd(30)}${[tsMs, wasmMs, ortMs].map((v) => cell(v)).join('')}${ratios.map((v) => cell(v)).join('')}`);
}
