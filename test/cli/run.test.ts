import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonTensor } from '../../src/cli/tensor-files/json-tensor-read.js';
import { readNpy } from '../../src/cli/tensor-files/npy-read.js';
import { encodeNpy } from '../../src/cli/tensor-files/npy-write.js';
import { InferenceSession, InvalidArgumentError, InvalidFeedError, type Tensor } from '../../src/index.js';
import { formatRunReport } from '../../src/tools/format-run-report.js';
import { randomTensor } from '../../src/tools/random-tensor.js';
import { runModel, type InputSource, type RunReport } from '../../src/tools/run-model.js';
import { SeededRandom } from '../../src/tools/seeded-random.js';
import type { TensorSummary } from '../../src/tools/value-summary.js';
import { buildModel, DenseTensor } from '../support/model-builder.js';
import { checkBuilt, runCli } from './support/cli-process.js';

/** sum = a + b; relu = Relu(sum); both outputs; a and b are float32[batch, 3]. */
const addRelu = buildModel({
  nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['sum'] }, { op: 'Relu', inputs: ['sum'], outputs: ['relu'] }],
  inputs: [{ name: 'a', type: 'float32', shape: ['batch', 3] }, { name: 'b', type: 'float32', shape: ['batch', 3] }],
  outputs: [{ name: 'sum', type: 'float32', shape: ['batch', 3] }, { name: 'relu', type: 'float32', shape: ['batch', 3] }],
});

/** out/put:0 = x * x, x int64[3]. */
const squareInt64 = buildModel({
  nodes: [{ op: 'Mul', inputs: ['x', 'x'], outputs: ['out/put:0'] }],
  inputs: [{ name: 'x', type: 'int64', shape: [3] }],
  outputs: [{ name: 'out/put:0', type: 'int64', shape: [3] }],
});

function given(tensor: DenseTensor, label = 'memory'): InputSource {
  return { label, read: async () => tensor };
}

function tensorOutput(report: RunReport, name: string): TensorSummary {
  const o = report.outputs.find((x) => x.name === name);
  if (o?.kind !== 'tensor') throw new Error(`no tensor output ${name}`);
  return o;
}

async function thrown(promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => { throw new Error('expected a rejection'); }, (e: Error) => e);
}

describe('runModel', () => {
  it('makes seeded random inputs, symbolic dims 1 by default', async () => {
    const session = await InferenceSession.create(addRelu);
    const report = await runModel(session, { seed: 3 });
    expect(report.inputs).toEqual([
      { name: 'a', type: 'float32', shape: [1, 3], source: 'random' },
      { name: 'b', type: 'float32', shape: [1, 3], source: 'random' },
    ]);
    const sum = tensorOutput(report, 'sum');
    expect(sum.shape).toEqual([1, 3]);
    expect(sum.first).toHaveLength(3);
    for (const v of sum.first as number[]) expect(v >= 0 && v < 2).toBe(true);
    expect(sum.min).toBe(Math.min(...(sum.first as number[])));
    expect(sum.mean).toBeCloseTo((sum.first as number[]).reduce((x, y) => x + y) / 3, 6);
    expect(report.runMs).toBeGreaterThanOrEqual(0);

    const again = await runModel(session, { seed: 3 });
    expect(tensorOutput(again, 'sum').first).toEqual(sum.first);
    const other = await runModel(session, { seed: 4 });
    expect(tensorOutput(other, 'sum').first).not.toEqual(sum.first);
  });

  it('sizes symbolic dims from --dim, or from a given input', async () => {
    const session = await InferenceSession.create(addRelu);
    expect((await runModel(session, { dims: new Map([['batch', 4]]) })).inputs.map((i) => i.shape)).toEqual([[4, 3], [4, 3]]);
    const b = new DenseTensor('float32', [2, 3], Float32Array.from([-10, -10, -10, 10, 10, 10]));
    const report = await runModel(session, { inputs: new Map([['b', given(b, 'b.npy')]]) });
    expect(report.inputs).toEqual([
      { name: 'a', type: 'float32', shape: [2, 3], source: 'random' },
      { name: 'b', type: 'float32', shape: [2, 3], source: 'b.npy' },
    ]);
    const relu = (report.results.relu as Tensor).data as Float32Array;
    expect(Array.from(relu.subarray(0, 3))).toEqual([0, 0, 0]);
    for (const v of relu.subarray(3)) expect(v >= 10 && v < 11).toBe(true);
  });

  it('widens a file losslessly and says so', async () => {
    const session = await InferenceSession.create(squareInt64);
    const x = new DenseTensor('int32', [3], Int32Array.from([2, -3, 40000]));
    const report = await runModel(session, { inputs: new Map([['x', given(x, 'x.npy')]]) });
    expect(report.inputs).toEqual([{ name: 'x', type: 'int64', shape: [3], source: 'x.npy', convertedFrom: 'int32' }]);
    expect(tensorOutput(report, 'out/put:0')).toMatchObject({ type: 'int64', first: [4n, 9n, 1600000000n], min: 4, max: 1600000000 });
    expect(formatRunReport(report)).toContain('input  x  int64[3]  x.npy (widened from int32)\n');
  });

  it('refuses a conversion that could lose values, naming the input and both types', async () => {
    const session = await InferenceSession.create(addRelu);
    const a = new DenseTensor('float64', [1, 3], new Float64Array(3));
    const error = await thrown(runModel(session, { inputs: new Map([['a', given(a, 'a.npy')]]) }));
    expect(error).toBeInstanceOf(InvalidFeedError);
    expect(error.message).toBe(
      "input 'a' is float32 in the model, but a.npy holds float64, which does not convert to float32 without loss: save the data as float32",
    );
  });

  it('gives JSON nested arrays the declared type', async () => {
    const session = await InferenceSession.create(squareInt64);
    const source: InputSource = { label: 'x.json', read: async (type) => readJsonTensor('[1, 2, 3]', 'x.json', type) };
    const report = await runModel(session, { inputs: new Map([['x', source]]) });
    expect(report.inputs[0].convertedFrom).toBeUndefined();
    expect(tensorOutput(report, 'out/put:0').first).toEqual([1n, 4n, 9n]);
  });

  it('names unknown inputs and dims with what the model has', async () => {
    const session = await InferenceSession.create(addRelu);
    const tensor = new DenseTensor('float32', [1, 3], new Float32Array(3));
    const error = await thrown(runModel(session, { inputs: new Map([['c', given(tensor)], ['d', given(tensor)]]) }));
    expect(error).toBeInstanceOf(InvalidFeedError);
    expect(error.message).toBe("the model has no inputs 'c', 'd'; its inputs are: a, b");
    const dimError = await thrown(runModel(session, { dims: new Map([['batchsize', 2]]) }));
    expect(dimError).toBeInstanceOf(InvalidArgumentError);
    expect(dimError.message).toBe("no input has a dimension named 'batchsize'; the inputs' symbolic dimensions are: batch");
  });

  it('formats one line per output and the run time', async () => {
    const session = await InferenceSession.create(addRelu);
    const b = new DenseTensor('float32', [2, 3], Float32Array.from([-1, -1, -1, 1, 1, 1]));
    const report = await runModel(session, { inputs: new Map([['b', given(b, 'b.npy')]]) });
    const text = formatRunReport(report, new Map([['relu', 'out/relu.npy']]));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('input  a  float32[2,3]  random (seed 0)');
    expect(lines[1]).toBe('input  b  float32[2,3]  b.npy');
    expect(lines[2]).toMatch(/^output sum {2}float32\[2,3\] {2}min -?[\d.]+ max [\d.]+ mean -?[\d.]+ {2}\[-?[\d.]+, -?[\d.]+, -?[\d.]+, [\d.]+, [\d.]+, \.\.\.\]$/);
    expect(lines[3]).toMatch(/^output relu {2}float32\[2,3\] {2}min 0 max .* {2}\[0, 0, 0, .*\] {2}-> out\/relu\.npy$/);
    expect(lines[4]).toMatch(/^run time \d+\.\d\d ms$/);
  });
});

describe('randomTensor', () => {
  it('makes data of every kind in the promised ranges', () => {
    const random = new SeededRandom(1);
    const floats = randomTensor('float64', [100], random).data as Float64Array;
    expect(floats.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(floats).size).toBe(100);
    const ints = randomTensor('int32', [100], random).data as Int32Array;
    expect(ints.every((v) => Number.isInteger(v) && v >= 0 && v < 10)).toBe(true);
    const int64 = randomTensor('int64', [10], random).data as BigInt64Array;
    expect(int64.every((v) => v >= 0n && v < 10n)).toBe(true);
    expect(new Set(randomTensor('bool', [100], random).data as Uint8Array)).toEqual(new Set([0, 1]));
    const words = randomTensor('string', [5], random).data as string[];
    expect(words.every((w) => /^[a-z]{2,8}$/.test(w))).toBe(true);
    expect((randomTensor('int2', [50], random).data as Int8Array).every((v) => v === 0 || v === 1)).toBe(true);
    expect(randomTensor('float16', [2, 2], random).data).toBeInstanceOf(Uint16Array);
  });
});

describe('onnxts run (child process)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'onnxts-run-'));
  const model = join(folder, 'add-relu.onnx');
  const square = join(folder, 'square.onnx');
  const bFile = join(folder, 'b.npy');
  const b = Float32Array.from([-5, -5, -5, 5, 5, 5]);
  beforeAll(() => {
    checkBuilt();
    writeFileSync(model, addRelu);
    writeFileSync(square, squareInt64);
    writeFileSync(bFile, encodeNpy(new DenseTensor('float32', [2, 3], b), { byteOrder: '>' }));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('writes each output as .npy and prints JSON', () => {
    const out = join(folder, 'out');
    const result = runCli(['run', model, '--input', `b=${bFile}`, '--output-dir', out, '--json', '--seed', '9']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.model).toBe(model);
    expect(report.seed).toBe(9);
    expect(typeof report.runMs).toBe('number');
    expect(report.inputs).toEqual([
      { name: 'a', type: 'float32', shape: [2, 3], source: 'random' },
      { name: 'b', type: 'float32', shape: [2, 3], source: bFile },
    ]);
    expect(report.outputs.map((o: { name: string; file: string }) => [o.name, o.file])).toEqual([
      ['sum', join(out, 'sum.npy')],
      ['relu', join(out, 'relu.npy')],
    ]);
    const sum = readNpy(new Uint8Array(readFileSync(join(out, 'sum.npy'))), 'sum.npy');
    const relu = readNpy(new Uint8Array(readFileSync(join(out, 'relu.npy'))), 'relu.npy');
    expect(sum.type).toBe('float32');
    expect(sum.dims).toEqual([2, 3]);
    const a = Array.from(sum.data as Float32Array, (v, i) => v - b[i]);
    for (const v of a) expect(v >= 0 && v < 1).toBe(true);
    expect(Array.from(relu.data as Float32Array)).toEqual(Array.from(sum.data as Float32Array, (v) => Math.max(0, v)));
    expect(report.outputs[0].first).toEqual(Array.from(sum.data as Float32Array).slice(0, 5));
    expect(report.outputs[1].min).toBe(0);
  });

  it('prints text, sanitizes output file names and reads JSON inputs', () => {
    const out = join(folder, 'square-out');
    const x = join(folder, 'x.json');
    writeFileSync(x, '[3, -4, 5]');
    const result = runCli(['run', square, '--input', `x=${x}`, '--output-dir', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const file = join(out, 'out_put_0.npy');
    expect(result.stdout).toBe(
      `input  x  int64[3]  ${x}\n` +
        `output out/put:0  int64[3]  min 9 max 25 mean 16.6667  [9, 16, 25]  -> ${file}\n` +
        result.stdout.split('\n')[2] + '\n',
    );
    expect(result.stdout.split('\n')[2]).toMatch(/^run time \d+\.\d\d ms$/);
    expect(Array.from(readNpy(new Uint8Array(readFileSync(file)), file).data as BigInt64Array)).toEqual([9n, 16n, 25n]);
  });

  it('fails with onnxts: and a message naming the problem', () => {
    const unknown = runCli(['run', model, '--input', `c=${bFile}`]);
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe("onnxts: the model has no input 'c'; its inputs are: a, b\n");

    const bad = join(folder, 'bad.npy');
    writeFileSync(bad, 'not numpy');
    expect(runCli(['run', model, '--input', `a=${bad}`]).stderr).toBe(`onnxts: ${bad}: not a .npy file: it does not start with the \\x93NUMPY magic\n`);
    expect(runCli(['run', model, '--input', 'a']).stderr).toBe("onnxts: --input 'a' is not NAME=VALUE\n");
    expect(runCli(['run', model, '--dim', 'batch=x']).stderr).toBe("onnxts: --dim batch must be an integer from 0 to 9007199254740991, got 'x'\n");
    expect(runCli(['run', model, '--seed', '-1']).stderr).toMatch(/^onnxts: --seed must be an integer from 0 to 4294967295, got '-1'\n$/);
    const mismatch = runCli(['run', model, '--input', `b=${bFile}`, '--dim', 'batch=3']);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toBe("onnxts: input 'b' dimension 0 ('batch') is 2, but 'batch' is 3 by freeDimensionOverrides\n");
    expect(existsSync(join(folder, 'out-none'))).toBe(false);
  });

  it('has help text', () => {
    const result = runCli(['run', '--help']);
    expect(result.status).toBe(0);
    for (const part of ['Usage: onnxts run [options] <model>', '--input <name=file>', '--dim <name=size>', '--seed <n>', '--output-dir <dir>', '--json']) {
      expect(result.stdout).toContain(part);
    }
  });
});
