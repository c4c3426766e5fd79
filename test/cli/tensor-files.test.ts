import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonTensor } from '../../src/cli/tensor-files/json-tensor-read.js';
import { npyFileNames } from '../../src/cli/tensor-files/output-file-names.js';
import { TensorFileError, type TensorFileProblem } from '../../src/cli/tensor-files/tensor-file-error.js';
import { readTensorFile, writeNpyFile } from '../../src/cli/tensor-files/tensor-file.js';
import { readTensorProto } from '../../src/cli/tensor-files/tensor-proto-read.js';
import { encodeTensorProto } from '../../src/onnx/encode.js';
import { tensorToProto } from '../../src/onnx/tensor-to-proto.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { numberToFloat16Bits } from '../../src/tensor/numeric/float16.js';

const folder = mkdtempSync(join(tmpdir(), 'onnxts-tensor-files-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function expectProblem(action: () => unknown, file: string, problem: TensorFileProblem, message: RegExp): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TensorFileError);
    expect((error as TensorFileError).problem).toBe(problem);
    expect((error as Error).message.startsWith(`${file}: `)).toBe(true);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a TensorFileError');
}

async function expectFileProblem(promise: Promise<unknown>, problem: TensorFileProblem, message: RegExp): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TensorFileError);
  expect((error as TensorFileError).problem).toBe(problem);
  expect((error as Error).message).toMatch(message);
}

describe('TensorProto .pb files', () => {
  it('reads raw_data and typed-field tensors', () => {
    const floats = new DenseTensor('float32', [2, 2], Float32Array.from([1, 2.5, -3, 4]));
    const read = readTensorProto(encodeTensorProto(tensorToProto(floats, 'x')), 'x.pb');
    expect(read.type).toBe('float32');
    expect(read.dims).toEqual([2, 2]);
    expect(Array.from(read.data as Float32Array)).toEqual([1, 2.5, -3, 4]);

    const int64 = readTensorProto(encodeTensorProto({ dims: [3], data_type: 7, int64_data: [1, -2, 3] }), 'y.pb');
    expect(Array.from(int64.data as BigInt64Array)).toEqual([1n, -2n, 3n]);
    const strings = readTensorProto(encodeTensorProto(tensorToProto(new DenseTensor('string', [2], ['a', 'bc']))), 's.pb');
    expect(strings.data).toEqual(['a', 'bc']);
  });

  it('names the file when the bytes are not a tensor', () => {
    expectProblem(() => readTensorProto(Uint8Array.from([0xff, 0xff, 0xff, 0xff]), 'bad.pb'), 'bad.pb', 'not-tensor-proto', /not a valid ONNX TensorProto/);
    expectProblem(() => readTensorProto(new Uint8Array(0), 'bad.pb'), 'bad.pb', 'not-tensor-proto', /unknown element type code 0/);
    const short = encodeTensorProto({ dims: [4], data_type: 1, raw_data: new Uint8Array(8) });
    expectProblem(() => readTensorProto(short, 'bad.pb'), 'bad.pb', 'not-tensor-proto', /8 bytes but a float32 tensor of 4 elements needs 16/);
  });
});

describe('JSON tensors', () => {
  it('infers dims from a nested array and takes the default type', () => {
    const t = readJsonTensor('[[1, 2, 3], [4, 5, 6]]', 'x.json', 'int32');
    expect(t.type).toBe('int32');
    expect(t.dims).toEqual([2, 3]);
    expect(Array.from(t.data as Int32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readJsonTensor('[[1.5], [2]]', 'x.json').type).toBe('float32');
    expect(readJsonTensor('7', 'x.json', 'float64').dims).toEqual([]);
    expect(readJsonTensor('[[], []]', 'x.json', 'float32').dims).toEqual([2, 0]);
    expect(readJsonTensor('[true, false]', 'x.json').type).toBe('bool');
    expect(readJsonTensor('[["a", "b"]]', 'x.json').data).toEqual(['a', 'b']);
  });

  it('reads the {type, dims, data} form', () => {
    const t = readJsonTensor('{"type": "int64", "dims": [2, 2], "data": [1, "-9007199254740993", 3, 4]}', 'x.json', 'float32');
    expect(t.type).toBe('int64');
    expect(t.dims).toEqual([2, 2]);
    expect(Array.from(t.data as BigInt64Array)).toEqual([1n, -9007199254740993n, 3n, 4n]);
    const nested = readJsonTensor('{"type": "float16", "data": [[0.5, "NaN"], ["Infinity", -2]]}', 'x.json');
    expect(nested.dims).toEqual([2, 2]);
    expect(Array.from(nested.data as Uint16Array)).toEqual([0.5, NaN, Infinity, -2].map(numberToFloat16Bits));
    const bools = readJsonTensor('{"type": "bool", "dims": [3], "data": [true, 0, 1]}', 'x.json');
    expect(Array.from(bools.data as Uint8Array)).toEqual([1, 0, 1]);
  });

  it('names ragged arrays, bad values and bad JSON', () => {
    expectProblem(() => readJsonTensor('[[1, 2], [3]]', 'r.json'), 'r.json', 'ragged', /ragged nested array: \[1\] has length 1, where 2 was expected/);
    expectProblem(() => readJsonTensor('[[1, 2], 3]', 'r.json'), 'r.json', 'ragged', /\[1\] is 3, where an array of 2 was expected/);
    expectProblem(() => readJsonTensor('[1, [2]]', 'r.json'), 'r.json', 'ragged', /\[1\] is an array/);
    expectProblem(() => readJsonTensor('{"data": [[1], [2, 3]]}', 'r.json'), 'r.json', 'ragged', /data\[1\] has length 2/);
    expectProblem(() => readJsonTensor('[1, 2', 'j.json'), 'j.json', 'bad-json', /not valid JSON/);
    expectProblem(() => readJsonTensor('[[1, 2.5]]', 'v.json', 'int32'), 'v.json', 'bad-value', /the value at \[0,1\], 2\.5, is not a valid int32 value/);
    expectProblem(() => readJsonTensor('[300]', 'v.json', 'uint8'), 'v.json', 'bad-value', /outside the uint8 range \[0, 255\]/);
    expectProblem(() => readJsonTensor('["x"]', 'v.json', 'float32'), 'v.json', 'bad-value', /is not a valid float32 value/);
    expectProblem(() => readJsonTensor('{"type": "float32", "dims": [2, 2], "data": [1, 2, 3]}', 'v.json'), 'v.json', 'bad-value', /"data" has 3 values, but "dims" \[2,2\] need 4/);
    expectProblem(() => readJsonTensor('{"type": "float", "data": [1]}', 't.json'), 't.json', 'bad-json', /"type" is "float", not an element type/);
    expectProblem(() => readJsonTensor('{"type": "float32", "shape": [1], "data": [1]}', 'k.json'), 'k.json', 'bad-json', /unknown key 'shape'/);
    expectProblem(() => readJsonTensor('{"type": "float32"}', 'k.json'), 'k.json', 'bad-json', /no "data"/);
    expectProblem(() => readJsonTensor('[1]', 'u.json', 'float8e4m3fn'), 'u.json', 'unsupported-dtype', /float8e4m3fn tensors cannot be given as JSON/);
  });
});

describe('tensor files on disk', () => {
  it('picks the reader by extension and writes .npy', async () => {
    const tensor = new DenseTensor('float32', [3], Float32Array.from([1, 2, 3]));
    const npy = join(folder, 'nested', 'x.npy');
    await writeNpyFile(npy, tensor);
    expect(Array.from((await readTensorFile(npy)).data as Float32Array)).toEqual([1, 2, 3]);
    const pb = join(folder, 'x.PB');
    writeFileSync(pb, encodeTensorProto(tensorToProto(tensor)));
    expect((await readTensorFile(pb)).dims).toEqual([3]);
    const json = join(folder, 'x.json');
    writeFileSync(json, '[[1, 2]]');
    const fromJson = await readTensorFile(json, 'int64');
    expect(fromJson.type).toBe('int64');
    expect(fromJson.dims).toEqual([1, 2]);
  });

  it('names unknown extensions and missing files', async () => {
    await expectFileProblem(readTensorFile(join(folder, 'x.csv')), 'unknown-format', /x\.csv: '\.csv' is not a tensor file extension: use \.npy, \.pb/);
    await expectFileProblem(readTensorFile(join(folder, 'noext')), 'unknown-format', /has no extension/);
    await expectFileProblem(readTensorFile(join(folder, 'missing.npy')), 'unreadable', /missing\.npy: cannot read the file/);
    const blocked = join(folder, 'x.json', 'out.npy');
    await expectFileProblem(writeNpyFile(blocked, new DenseTensor('int8', [1], new Int8Array(1))), 'unwritable', /x\.json\/out\.npy: cannot write the file/);
  });
});

describe('output file names', () => {
  it('makes names safe and distinct', () => {
    const files = npyFileNames(['logits', 'a/b', 'a_b', '../up', '', 'CON', 'Out', 'out', 'résumé:1']);
    expect([...files.values()]).toEqual([
      'logits.npy', 'a_b.npy', 'a_b_2.npy', '_._up.npy', 'output.npy', '_CON.npy', 'Out.npy', 'out_2.npy', 'r_sum__1.npy',
    ]);
  });
});
