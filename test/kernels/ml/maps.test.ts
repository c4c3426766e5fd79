import { describe, expect, it } from 'vitest';
import { attr, modelProto, type AttributeValue } from '../../support/model-builder.js';
import { encodeModelProto } from '../../../src/onnx/encode.js';
import type { TypeProto } from '../../../src/onnx/proto-types.js';
import { onnxCodeOf, type DataType } from '../../../src/tensor/element-type.js';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { runMl } from './ml-node.js';

const tensorType = (type: DataType): TypeProto => ({ tensor_type: { elem_type: onnxCodeOf(type) } });
const mapType = (key: DataType, value: DataType): TypeProto => ({ map_type: { key_type: onnxCodeOf(key), value_type: tensorType(value) } });

/** Runs a one-node model whose input `x` is a map (the test builder only declares tensors). */
async function runOnMap(op: string, input: TypeProto, outType: DataType, attributes: Record<string, AttributeValue>, x: Map<string | number, Tensor>) {
  const proto = modelProto({
    nodes: [{ op, domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'], attributes }],
    inputs: [{ name: 'x', type: 'float32' }],
    outputs: [{ name: 'y', type: outType }],
    opsets: { 'ai.onnx.ml': 3 },
  });
  proto.graph!.input![0].type = input;
  const session = await InferenceSession.create(encodeModelProto(proto));
  return (await session.run({ x } as never)).y as unknown as Tensor;
}

const scalar = (type: 'float32' | 'string' | 'int64' | 'float64', v: number | string): Tensor =>
  type === 'string' ? new Tensor('string', [v as string], []) : type === 'int64' ? new Tensor('int64', BigInt64Array.of(BigInt(v)), []) : new Tensor(type, type === 'float32' ? Float32Array.of(v as number) : Float64Array.of(v as number), []);

describe('ZipMap', () => {
  it('turns each row into a map from label to score', async () => {
    const x = new Tensor('float32', Float32Array.from([0.1, 0.9, 0.7, 0.3]), [2, 2]);
    const out = await runMl({ op: 'ZipMap', feeds: { x }, outputs: { z: 'float32' }, attributes: { classlabels_strings: attr.strings(['no', 'yes']) }, opset: 1 });
    const maps = out.z as unknown as Map<string, Tensor>[];
    expect(maps).toHaveLength(2);
    expect([...maps[1].keys()]).toEqual(['no', 'yes']);
    expect((maps[1].get('yes')!.data as Float32Array)[0]).toBeCloseTo(0.3, 6);
    const ints = await runMl({ op: 'ZipMap', feeds: { x }, outputs: { z: 'float32' }, attributes: { classlabels_int64s: attr.ints([4, 2]) }, opset: 1 });
    const intMaps = ints.z as unknown as Map<bigint, Tensor>[];
    expect((intMaps[0].get(2n)!.data as Float32Array)[0]).toBeCloseTo(0.9, 6);
  });

  it('rejects a column count that differs from the labels', async () => {
    const x = new Tensor('float32', Float32Array.from([1, 2, 3]), [1, 3]);
    await expect(runMl({ op: 'ZipMap', feeds: { x }, outputs: { z: 'float32' }, attributes: { classlabels_strings: attr.strings(['a', 'b']) } })).rejects.toThrow(/3 columns for 2/);
  });
});

describe('CastMap', () => {
  const input = new Map<number, Tensor>([[3, scalar('float32', 1.5)], [0, scalar('float32', -2)], [1, scalar('float32', 7)]]);

  it('packs values densely by ascending key, casting as asked', async () => {
    const dense = await runOnMap('CastMap', mapType('int64', 'float32'), 'float32', {}, input);
    expect(dense.dims).toEqual([1, 3]);
    expect(Array.from(dense.data as Float32Array)).toEqual([-2, 7, 1.5]);
    const asStrings = await runOnMap('CastMap', mapType('int64', 'float32'), 'string', { cast_to: attr.string('TO_STRING') }, input);
    expect(Array.from(asStrings.data as string[])).toEqual(['-2.000000', '7.000000', '1.500000']);
    const asInts = await runOnMap('CastMap', mapType('int64', 'float32'), 'int64', { cast_to: attr.string('TO_INT64') }, input);
    expect(Array.from(asInts.data as BigInt64Array)).toEqual([-2n, 7n, 1n]);
  });

  it('places values at their keys in SPARSE form and rejects keys past max_map', async () => {
    const sparse = await runOnMap('CastMap', mapType('int64', 'float32'), 'float32', { map_form: attr.string('SPARSE'), max_map: attr.int(5) }, input);
    expect(Array.from(sparse.data as Float32Array)).toEqual([-2, 7, 0, 1.5, 0]);
    await expect(runOnMap('CastMap', mapType('int64', 'float32'), 'float32', { map_form: attr.string('SPARSE'), max_map: attr.int(2) }, input)).rejects.toThrow(/outside/);
  });
});

describe('DictVectorizer', () => {
  it('lays values out by the vocabulary, zero where a key is absent', async () => {
    const byString = new Map<string, Tensor>([['c', scalar('float32', 8)], ['a', scalar('float32', 4)], ['q', scalar('float32', 1)]]);
    const out = await runOnMap('DictVectorizer', mapType('string', 'float32'), 'float32', { string_vocabulary: attr.strings(['a', 'c', 'b', 'z']) }, byString);
    expect(out.dims).toEqual([1, 4]);
    expect(Array.from(out.data as Float32Array)).toEqual([4, 8, 0, 0]);
    const byInt = new Map<number, Tensor>([[5, scalar('string', 'five')]]);
    const strings = await runOnMap('DictVectorizer', mapType('int64', 'string'), 'string', { int64_vocabulary: attr.ints([1, 5]) }, byInt);
    expect(Array.from(strings.data as string[])).toEqual(['', 'five']);
  });

  it('rejects a map whose key type differs from the vocabulary', async () => {
    const byInt = new Map<number, Tensor>([[1, scalar('float64', 2)]]);
    await expect(runOnMap('DictVectorizer', mapType('int64', 'float64'), 'float64', { string_vocabulary: attr.strings(['a']) }, byInt)).rejects.toThrow(/vocabulary/);
  });
});
