/** Sequence and optional ops through the public API: sequences are arrays of Tensors, an empty optional is null. */
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { onnxCodeOf } from '../../../src/tensor/element-type.js';
import { attr, graph, modelProto } from '../../support/model-builder.js';
import { encodeModelProto } from '../../../src/onnx/encode.js';
import type { ValueInfoProto } from '../../../src/onnx/proto-types.js';

const f32 = (values: number[], dims = [values.length]) => new Tensor('float32', Float32Array.from(values), dims);
const i64 = (v: number) => new Tensor('int64', BigInt64Array.of(BigInt(v)), []);
const seqOf = (name: string): ValueInfoProto => ({ name, type: { sequence_type: { elem_type: { tensor_type: { elem_type: onnxCodeOf('float32') } } } } });
const optOf = (name: string): ValueInfoProto => ({ name, type: { optional_type: { elem_type: { tensor_type: { elem_type: onnxCodeOf('float32') } } } } });

async function run(nodes: Parameters<typeof modelProto>[0]['nodes'], inputs: ValueInfoProto[], outputs: ValueInfoProto[], feeds: Record<string, unknown>) {
  const proto = modelProto({ nodes, inputs: [], outputs: [], opsets: { '': 18 } });
  proto.graph!.input = inputs;
  proto.graph!.output = outputs;
  const session = await InferenceSession.create(encodeModelProto(proto));
  return session.run(feeds as never);
}

const tensorInfo = (name: string, type: Parameters<typeof onnxCodeOf>[0] = 'float32'): ValueInfoProto => ({ name, type: { tensor_type: { elem_type: onnxCodeOf(type) } } });
const data = (t: unknown) => Array.from((t as Tensor).data as Float32Array);

describe('sequence ops', () => {
  it('constructs, inserts at a negative position, erases, reads and measures', async () => {
    const out = await run([
      { op: 'SequenceConstruct', inputs: ['a', 'b'], outputs: ['s'] },
      { op: 'SequenceInsert', inputs: ['s', 'c', 'minus_one'], outputs: ['s2'] },
      { op: 'SequenceErase', inputs: ['s2', 'zero'], outputs: ['s3'] },
      { op: 'SequenceAt', inputs: ['s3', 'minus_one'], outputs: ['last'] },
      { op: 'SequenceLength', inputs: ['s3'], outputs: ['n'] },
    ], [tensorInfo('a'), tensorInfo('b'), tensorInfo('c'), tensorInfo('minus_one', 'int64'), tensorInfo('zero', 'int64')],
    [seqOf('s3'), tensorInfo('last'), tensorInfo('n', 'int64')],
    { a: f32([1]), b: f32([2, 2]), c: f32([3, 3, 3]), minus_one: i64(-1), zero: i64(0) });
    const s3 = out.s3 as unknown as Tensor[];
    expect(s3.map(data)).toEqual([[3, 3, 3], [2, 2]]);
    expect(data(out.last)).toEqual([2, 2]);
    expect(Array.from((out.n as Tensor).data as BigInt64Array)).toEqual([2n]);
  });

  it('takes a sequence as an input, splits to and concatenates from sequences', async () => {
    const out = await run([
      { op: 'ConcatFromSequence', inputs: ['parts'], outputs: ['joined'], attributes: { axis: attr.int(0) } },
      { op: 'ConcatFromSequence', inputs: ['parts'], outputs: ['stacked'], attributes: { axis: attr.int(-1), new_axis: attr.int(1) } },
      { op: 'SplitToSequence', inputs: ['joined', 'two'], outputs: ['chunks'] },
    ], [seqOf('parts'), tensorInfo('two', 'int64')], [tensorInfo('joined'), tensorInfo('stacked'), seqOf('chunks')],
    { parts: [f32([1, 2]), f32([3, 4]), f32([5, 6])], two: i64(2) });
    expect(data(out.joined)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((out.stacked as Tensor).dims).toEqual([2, 3]);
    expect(data(out.stacked)).toEqual([1, 3, 5, 2, 4, 6]);
    expect((out.chunks as unknown as Tensor[]).map(data)).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('rejects a position outside the sequence', async () => {
    await expect(run([{ op: 'SequenceAt', inputs: ['s', 'p'], outputs: ['x'] }], [seqOf('s'), tensorInfo('p', 'int64')], [tensorInfo('x')],
      { s: [f32([1])], p: i64(1) })).rejects.toThrow(/position 1 is out of range for a sequence of 1 elements/);
  });

  it('maps a body over a sequence', async () => {
    const body = graph({
      nodes: [{ op: 'Add', inputs: ['el', 'el'], outputs: ['doubled'] }],
      inputs: [{ name: 'el', type: 'float32' }],
      outputs: [{ name: 'doubled', type: 'float32' }],
    });
    const out = await run([{ op: 'SequenceMap', inputs: ['s'], outputs: ['t'], attributes: { body: attr.graph(body) } }],
      [seqOf('s')], [seqOf('t')], { s: [f32([1, 2]), f32([5])] });
    expect((out.t as unknown as Tensor[]).map(data)).toEqual([[2, 4], [10]]);
  });
});

describe('optional ops', () => {
  it('wraps, tests and unwraps, with null as the empty optional', async () => {
    const nodes = [
      { op: 'OptionalHasElement', inputs: ['o'], outputs: ['has'] },
      { op: 'OptionalGetElement', inputs: ['o'], outputs: ['value'] },
    ];
    const present = await run(nodes, [optOf('o')], [tensorInfo('has', 'bool'), tensorInfo('value')], { o: f32([7]) });
    expect(Array.from((present.has as Tensor).data as Uint8Array)).toEqual([1]);
    expect(data(present.value)).toEqual([7]);
    await expect(run(nodes, [optOf('o')], [tensorInfo('has', 'bool'), tensorInfo('value')], { o: null })).rejects.toThrow(/optional input is empty/);
    const onlyHas = await run([nodes[0]], [optOf('o')], [tensorInfo('has', 'bool')], { o: null });
    expect(Array.from((onlyHas.has as Tensor).data as Uint8Array)).toEqual([0]);
  });
});
