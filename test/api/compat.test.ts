/**
 * The same API tests against onnxruntime-node and onnxts, switching only the import: what
 * passes for onnxruntime-node must pass for onnxts, so drop-in use is checked, not assumed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import * as onnxts from '../../src/index.js';
import { affineReluModel, affineReluReference, overridableInitializerModel, twoInputModel } from './fixtures.js';

type Runtime = typeof ortNode;
const runtimes: [string, Runtime][] = [
  ['onnxruntime-node', ortNode],
  ['onnxts', onnxts as unknown as Runtime],
];

function writeTemp(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'onnxts-api-'));
  const path = join(dir, 'model.onnx');
  writeFileSync(path, bytes);
  return path;
}

describe.each(runtimes)('%s', (_name, rt) => {
  const input = new Float32Array([-2, -1, 0, 1, 2, 3, 4, 5]);

  async function checkAffine(session: ortNode.InferenceSession): Promise<void> {
    const out = await session.run({ x: new rt.Tensor('float32', input, [2, 4]) });
    const ref = affineReluReference(input);
    expect(out.y.type).toBe('float32');
    expect(out.y.dims).toEqual([2, 4]);
    expect(Array.from(out.y.data as Float32Array)).toEqual(Array.from(ref.y));
    expect(Array.from(out.z.data as Float32Array)).toEqual(Array.from(ref.z));
  }

  it('creates a session from a Uint8Array, an ArrayBuffer, a (buffer, offset, length) slice and a path', async () => {
    const bytes = affineReluModel();
    await checkAffine(await rt.InferenceSession.create(bytes));
    const buffer = bytes.slice().buffer;
    await checkAffine(await rt.InferenceSession.create(buffer));
    const padded = new Uint8Array(bytes.length + 16);
    padded.set(bytes, 7);
    await checkAffine(await rt.InferenceSession.create(padded.buffer, 7, bytes.length));
    await checkAffine(await rt.InferenceSession.create(padded.buffer, 7, bytes.length, {}));
    await checkAffine(await rt.InferenceSession.create(writeTemp(bytes)));
  });

  it('reports input and output names and metadata, with symbolic dims as strings', async () => {
    const session = await rt.InferenceSession.create(affineReluModel());
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y', 'z']);
    expect(session.inputMetadata).toEqual([{ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 4] }]);
    expect(session.outputMetadata.map((m) => m.name)).toEqual(['y', 'z']);
    const fixed = await rt.InferenceSession.create(twoInputModel());
    expect(fixed.inputMetadata).toEqual([
      { name: 'a', isTensor: true, type: 'float32', shape: [2, 3] },
      { name: 'n', isTensor: true, type: 'int64', shape: [3] },
    ]);
  });

  it('runs with a fetches array, a fetches object, and run options', async () => {
    const session = await rt.InferenceSession.create(affineReluModel());
    const feeds = { x: new rt.Tensor('float32', input, [2, 4]) };
    const onlyZ = await session.run(feeds, ['z']);
    expect(Object.keys(onlyZ)).toEqual(['z']);
    const byObject = await session.run(feeds, { y: null });
    expect(Object.keys(byObject)).toEqual(['y']);
    const withOptions = await session.run(feeds, { tag: 'test' });
    expect(Object.keys(withOptions).sort()).toEqual(['y', 'z']);
    await expect(session.run(feeds, ['nope'])).rejects.toThrow(/nope/);
  });

  it('passes int64 tensors as BigInt64Array', async () => {
    const session = await rt.InferenceSession.create(twoInputModel());
    const out = await session.run({
      a: new rt.Tensor('float32', new Float32Array([-1, 2, -3, 4, -5, 6]), [2, 3]),
      n: new rt.Tensor('int64', new BigInt64Array([1n, -2n, 9007199254740993n]), [3]),
    });
    expect(Array.from(out.abs_a.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.neg_n.type).toBe('int64');
    expect(Array.from(out.neg_n.data as BigInt64Array)).toEqual([-1n, 2n, -9007199254740993n]);
  });

  it('treats an initializer listed as a graph input as an input with a default', async () => {
    const session = await rt.InferenceSession.create(overridableInitializerModel());
    expect(session.inputNames).toEqual(['x']);
    const x = new rt.Tensor('float32', new Float32Array([1, 2]), [2]);
    expect(Array.from((await session.run({ x })).y.data as Float32Array)).toEqual([11, 22]);
  });

  it('rejects a missing input and a wrong element type', async () => {
    const session = await rt.InferenceSession.create(twoInputModel());
    const a = new rt.Tensor('float32', new Float32Array(6), [2, 3]);
    await expect(session.run({ a })).rejects.toThrow(/n/);
    const wrongType = new rt.Tensor('int32', new Int32Array(3), [3]);
    await expect(session.run({ a, n: wrongType })).rejects.toThrow();
  });

  it('gives correct results for 8 concurrent runs on one session', async () => {
    const session = await rt.InferenceSession.create(affineReluModel());
    const inputs = Array.from({ length: 8 }, (_, k) => Float32Array.from({ length: 4 * (k + 1) }, (_, i) => (i - 3 * k) / 3));
    const outputs = await Promise.all(inputs.map((x) => session.run({ x: new rt.Tensor('float32', x, [k(x), 4]) })));
    function k(x: Float32Array): number {
      return x.length / 4;
    }
    outputs.forEach((out, i) => {
      expect(out.y.dims).toEqual([inputs[i].length / 4, 4]);
      expect(Array.from(out.y.data as Float32Array)).toEqual(Array.from(affineReluReference(inputs[i]).y));
    });
  });

  it('builds Tensors with the onnxruntime-common constructor forms and members', async () => {
    const t = new rt.Tensor('float32', [1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.type).toBe('float32');
    expect(t.dims).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.location).toBe('cpu');
    const r = t.reshape([3, 2]);
    expect(r.dims).toEqual([3, 2]);
    expect(Array.from((await r.getData()) as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new rt.Tensor(new Int32Array([1, 2])).type).toBe('int32');
    expect(new rt.Tensor([true, false]).type).toBe('bool');
    expect(new rt.Tensor(['a', 'b'], [2]).type).toBe('string');
    expect(new rt.Tensor('int64', [1, 2]).data).toBeInstanceOf(BigInt64Array);
    expect(new rt.Tensor(new Float32Array(4)).dims).toEqual([4]);
    expect(() => new rt.Tensor('float32', new Float32Array(5), [2, 3])).toThrow();
    expect(() => new rt.Tensor('float32', new Int32Array(6), [2, 3])).toThrow();
    t.dispose();
  });

  it('refuses to run after release()', async () => {
    const session = await rt.InferenceSession.create(affineReluModel());
    await session.release();
    await expect(session.run({ x: new rt.Tensor('float32', input, [2, 4]) })).rejects.toThrow();
  });

  it('reports unknown dims as empty strings', async () => {
    const session = await rt.InferenceSession.create(join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'silero_vad.onnx'));
    expect(session.inputMetadata[0]).toEqual({ name: 'input', isTensor: true, type: 'float32', shape: ['', ''] });
    expect(session.inputMetadata[1]).toEqual({ name: 'state', isTensor: true, type: 'float32', shape: [2, '', 128] });
  });

  it('rejects bytes that are not a model', async () => {
    await expect(rt.InferenceSession.create(new TextEncoder().encode('<!DOCTYPE html><html></html>'))).rejects.toThrow();
    await expect(rt.InferenceSession.create(new Uint8Array(0))).rejects.toThrow();
  });
});
