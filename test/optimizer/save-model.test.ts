/**
 * Saving: Model -> ModelProto keeps what loading reads (subgraphs, functions, attributes of
 * every kind, value types), weights can go to an external data file, and `onnxts optimize`
 * writes a model onnxruntime-node runs with the original's outputs.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { formatOptimizeReport, optimizeFile } from '../../src/cli/commands/optimize.js';
import { InferenceSession, Tensor } from '../../src/index.js';
import { modelToProto } from '../../src/ir/to-proto.js';
import { encodeModelProto } from '../../src/onnx/encode.js';
import type { FunctionProto } from '../../src/onnx/proto-types.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../support/differential.js';
import { DenseTensor, attr, buildModel, graph, modelProto, node } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { bytesOf, expectSameOutputs, irOf } from './support.js';

/** y = If(c) { Relu(x) * w } else { local:Twice(x) }, with attributes of several kinds along the way. */
function richModel(): Uint8Array {
  const twice: FunctionProto = {
    name: 'Twice', domain: 'local', input: ['a'], output: ['b'],
    attribute_proto: [{ name: 'unused', type: 1, f: 0.5 }],
    node: [node({ op: 'Add', inputs: ['a', 'a'], outputs: ['b'] })],
    opset_import: [{ domain: '', version: 17 }],
  };
  const proto = modelProto({
    nodes: [
      { op: 'Constant', inputs: [], outputs: ['k'], attributes: { value: attr.tensor(new DenseTensor('float32', [2], Float32Array.of(0.5, -1))) } },
      { op: 'Mul', inputs: ['x', 'k'], outputs: ['xk'] },
      {
        op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
          then_branch: attr.graph(graph({
            name: 'then', inputs: [], outputs: [{ name: 't', type: 'float32', shape: [3, 2] }],
            nodes: [{ op: 'Relu', inputs: ['xk'], outputs: ['r'] }, { op: 'Mul', inputs: ['r', 'w'], outputs: ['t'] }],
          })),
          else_branch: attr.graph(graph({
            name: 'else', inputs: [], outputs: [{ name: 'e', type: 'float32', shape: [3, 2] }],
            nodes: [
              { op: 'Twice', domain: 'local', inputs: ['xk'], outputs: ['tw'] },
              { op: 'LeakyRelu', inputs: ['tw'], outputs: ['e'], attributes: { alpha: attr.float(0.25) } },
            ],
          })),
        },
      },
      { op: 'Split', inputs: ['y', 'sizes'], outputs: ['y1', 'y2'], attributes: { axis: attr.int(0) } },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: ['n', 2] }, { name: 'c', type: 'bool', shape: [] }],
    outputs: [{ name: 'y1', type: 'float32' }, { name: 'y2', type: 'float32' }],
    initializers: { w: randomDense('float32', [2], new Rng(1)), sizes: new DenseTensor('int64', [2], BigInt64Array.of(1n, 2n)) },
    opsets: { '': 17, local: 1 },
  });
  proto.functions = [twice];
  return encodeModelProto(proto);
}

describe('modelToProto', () => {
  it('saves what loading reads: the model loads back identical and runs the same', async () => {
    const bytes = richModel();
    const model = irOf(bytes);
    const again = irOf(bytesOf(model));
    expect(again).toEqual(model);
    for (const c of [true, false]) {
      const feeds = { x: randomTensor('float32', [3, 2], new Rng(2)), c: new Tensor('bool', Uint8Array.of(c ? 1 : 0), []) };
      await expectSameOutputs(bytes, bytesOf(model), feeds);
    }
  });

  it('moves weights to an external data file past the threshold, and both runtimes read them back', async () => {
    const rng = new Rng(3);
    const bytes = buildModel({
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] }, { op: 'Add', inputs: ['m', 'b'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 64] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2, 32] }],
      initializers: { w: randomDense('float32', [64, 32], rng), b: randomDense('float32', [32], rng) },
    });
    const saved = modelToProto(irOf(bytes), { externalData: { location: 'model.onnx.data', thresholdBytes: 0 } });
    expect(saved.externalData.map((c) => c.byteLength)).toEqual([64 * 32 * 4]);
    const weights = saved.proto.graph?.initializer?.find((t) => t.name === 'w');
    expect(weights?.data_location).toBe(1);
    expect(weights?.raw_data).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'onnxts-save-'));
    writeFileSync(join(dir, 'model.onnx'), encodeModelProto(saved.proto));
    writeFileSync(join(dir, 'model.onnx.data'), saved.externalData[0]);
    const x = randomTensor('float32', [2, 64], new Rng(4));
    const expected = await runOnnxruntime(bytes, { x });
    const ortSession = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const fromOrt = await ortSession.run({ x: new ort.Tensor('float32', x.data as Float32Array, x.dims) });
    expectTensorsClose(fromOrt.y, expected.y, FLOAT32_TOLERANCE, 'onnxruntime, external data');
    const ours = await (await InferenceSession.create(join(dir, 'model.onnx'))).run({ x });
    expectTensorsClose(ours.y as Tensor, expected.y, FLOAT32_TOLERANCE, 'onnxts, external data');
  });

  it('keeps every weight inline under the threshold', () => {
    const bytes = buildModel({
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [512] }], outputs: [{ name: 'y', type: 'float32' }],
      initializers: { w: randomDense('float32', [512], new Rng(5)) },
    });
    const saved = modelToProto(irOf(bytes), { externalData: { location: 'x.data' } });
    expect(saved.externalData).toEqual([]);
    expect(saved.proto.graph?.initializer?.[0].raw_data?.byteLength).toBe(2048);
  });
});

describe('onnxts optimize', () => {
  const rng = new Rng(6);
  const bytes = buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
      { op: 'BatchNormalization', inputs: ['c', 's', 'b', 'm', 'v'], outputs: ['n'] },
      { op: 'Relu', inputs: ['n'], outputs: ['r'] },
      { op: 'Identity', inputs: ['r'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [1, 2, 5, 5] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1, 3, 3, 3] }],
    initializers: {
      w: randomDense('float32', [3, 2, 3, 3], rng), s: randomDense('float32', [3], rng, 0.5, 1.5), b: randomDense('float32', [3], rng),
      m: randomDense('float32', [3], rng), v: randomDense('float32', [3], rng, 0.5, 1.5),
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'onnxts-optimize-'));
  const input = join(dir, 'in.onnx');
  writeFileSync(input, bytes);
  const x = randomTensor('float32', [1, 2, 5, 5], new Rng(7));

  it('saves a model onnxruntime-node runs with the same outputs, and reports ops and passes', async () => {
    const output = join(dir, 'out', 'all.onnx');
    const report = await optimizeFile(input, output, { level: 'all', disable: [] });
    expect(report.nodes).toEqual({ before: 4, after: 1 });
    expect(report.ops).toContainEqual({ op: 'ai.onnx:BatchNormalization', before: 1, after: 0 });
    expect(report.ops).toContainEqual({ op: 'com.microsoft:FusedConv', before: 0, after: 1 });
    expect(report.passes.map((p) => p.name)).toEqual(expect.arrayContaining(['EliminateIdentity', 'FuseConvBatchNorm', 'FuseConvActivation']));
    expect(report.externalData).toBeNull();
    const text = formatOptimizeReport(report);
    expect(text).toContain('nodes:    4 -> 1');
    expect(text).toMatch(/FuseConvBatchNorm\s+1/);
    await expectSameOutputs(bytes, new Uint8Array(readFileSync(output)), { x });
  });

  it('writes a FusedConv whose activation onnxruntime lacks (SiLU as QuickGelu) as Conv + QuickGelu', async () => {
    const siluInput = join(dir, 'silu.onnx');
    const siluBytes = buildModel({
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
        { op: 'Sigmoid', inputs: ['c'], outputs: ['s'] },
        { op: 'Mul', inputs: ['c', 's'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [1, 2, 5, 5] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1, 3, 3, 3] }],
      initializers: { w: randomDense('float32', [3, 2, 3, 3], new Rng(8)) },
    });
    writeFileSync(siluInput, siluBytes);
    const output = join(dir, 'silu.opt.onnx');
    const report = await optimizeFile(siluInput, output, { level: 'all', disable: [] });
    expect(report.ops).toContainEqual({ op: 'com.microsoft:FusedConv', before: 0, after: 1 });
    const saved = new Uint8Array(readFileSync(output));
    expect(irOf(saved).graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'QuickGelu']);
    await expectSameOutputs(siluBytes, saved, { x });
  });

  it('runs only the levels asked for and skips disabled passes', async () => {
    const output = join(dir, 'basic.onnx');
    const report = await optimizeFile(input, output, { level: 'basic', disable: ['EliminateIdentity'] });
    expect(report.nodes).toEqual({ before: 4, after: 4 });
    expect(existsSync(output)).toBe(true);
    await expect(optimizeFile(input, output, { level: 'all', disable: ['NoSuchPass'] })).rejects.toThrow(/unknown optimizer pass 'NoSuchPass'/);
  });
});
