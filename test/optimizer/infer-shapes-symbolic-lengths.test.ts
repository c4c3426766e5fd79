/**
 * InferShapes on a Slice whose end is a runtime length (torch.onnx's position ids, sliced from
 * a [1, MAX] buffer up to Shape(input_ids)[1]): the sliced dim is min(sequence, MAX), and adding
 * it to a [batch, sequence] value gives back sequence, so the shapes after the embeddings stay
 * symbolic. Range(0, Shape(ids)[1], 1), as llama exports build positions, is [sequence].
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/ir/graph.js';
import { formatValueType } from '../../src/ir/value-type.js';
import { Tensor } from '../../src/index.js';
import { boundedDim, broadcastDim } from '../../src/optimizer/shapes/dims.js';
import { DenseTensor, attr, buildModel } from '../support/model-builder.js';
import { Rng, randomDense } from '../support/random.js';
import { expectSameOutputs, optimize } from './support.js';

const MAX = 6;
const ints = (...v: number[]) => new DenseTensor('int64', [v.length], BigInt64Array.from(v.map(BigInt)));

function typeOf(model: Model, name: string): string {
  return formatValueType(model.graph.valueInfo.get(name));
}

/** Word plus position embeddings; `start` is the position Slice's start (0 as exported), `rangeStep` the Range's delta. */
function embeddings(start = 0, rangeStep = 1): Uint8Array {
  const rng = new Rng(3);
  return buildModel({
    nodes: [
      { op: 'Shape', inputs: ['ids'], outputs: ['s'] },
      { op: 'Gather', inputs: ['s', 'i1'], outputs: ['len'], attributes: { axis: attr.int(0) } },
      { op: 'Unsqueeze', inputs: ['len', 'a0'], outputs: ['end'] },
      { op: 'Slice', inputs: ['buffer', 'start', 'end', 'a1', 'one'], outputs: ['positions'] },
      { op: 'Slice', inputs: ['ids', 'zero', 'end', 'a1', 'one'], outputs: ['prefix'] },
      { op: 'Gather', inputs: ['table', 'positions'], outputs: ['p'] },
      { op: 'Gather', inputs: ['words', 'ids'], outputs: ['w'] },
      { op: 'Add', inputs: ['w', 'p'], outputs: ['y'] },
      { op: 'Range', inputs: ['zeroScalar', 'len', 'rangeStep'], outputs: ['range'] },
    ],
    inputs: [{ name: 'ids', type: 'int64', shape: ['batch', 'sequence'] }],
    outputs: [{ name: 'y', type: 'float32' }, { name: 'prefix', type: 'int64' }, { name: 'range', type: 'int64' }],
    initializers: {
      i1: new DenseTensor('int64', [], BigInt64Array.of(1n)), zeroScalar: new DenseTensor('int64', [], BigInt64Array.of(0n)),
      rangeStep: new DenseTensor('int64', [], BigInt64Array.of(BigInt(rangeStep))), a0: ints(0), a1: ints(1), one: ints(1), zero: ints(0), start: ints(start),
      buffer: new DenseTensor('int64', [1, MAX], BigInt64Array.from({ length: MAX }, (_, i) => BigInt(i))),
      table: randomDense('float32', [MAX, 4], rng), words: randomDense('float32', [9, 4], rng),
    },
  });
}

const feeds = (batch: number, seq: number) => ({ ids: new Tensor('int64', BigInt64Array.from({ length: batch * seq }, (_, i) => BigInt(i % 9)), [batch, seq]) });

describe('InferShapes: Slice up to a symbolic length', () => {
  it('gives min(sequence, MAX), which broadcasts with sequence to sequence', async () => {
    const bytes = embeddings();
    const { model } = optimize(bytes, { level: 'basic' });
    expect(typeOf(model, 'positions')).toBe(`int64[1,min(sequence,${MAX})]`);
    expect(typeOf(model, 'y')).toBe('float32[batch,sequence,4]');
    expect(typeOf(model, 'prefix')).toBe('int64[batch,sequence]');
    expect(typeOf(model, 'range')).toBe('int64[sequence]');
    for (const [batch, seq] of [[1, 1], [2, MAX], [3, 4]]) await expectSameOutputs(bytes, optimize(bytes, { level: 'basic' }).bytes, feeds(batch, seq));
  });

  it('leaves the dim unknown when the Slice does not start at 0', () => {
    const { model } = optimize(embeddings(1), { level: 'basic' });
    expect(typeOf(model, 'positions')).toBe('int64[1,?]');
    expect(typeOf(model, 'y')).toBe('float32[batch,?,4]');
  });

  it('leaves a Range by steps of 2 unknown', () => {
    const { model } = optimize(embeddings(0, 2), { level: 'basic' });
    expect(typeOf(model, 'range')).toBe('int64[?]');
  });
});

describe('broadcastDim with a bounded dim', () => {
  it('gives the symbol for min(symbol, L) with L >= 1, either side', () => {
    expect(broadcastDim('s', boundedDim('s', 512))).toBe('s');
    expect(broadcastDim(boundedDim('s', 1), 's')).toBe('s');
  });
  it('knows nothing for another symbol or an empty bound', () => {
    expect(broadcastDim('t', boundedDim('s', 512))).toBeUndefined();
    expect(broadcastDim('s', boundedDim('s', 0))).toBeUndefined();
  });
});
