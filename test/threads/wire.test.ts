/**
 * What crosses postMessage: values rebuilt as Tensors (nested in sequences and maps, from
 * tensor-likes too), outputs moved by transfer without detaching what the sender still holds,
 * and errors rebuilt with their class, fields and message.
 */
import { describe, expect, it } from 'vitest';
import {
  GraphValidationError, InvalidArgumentError, InvalidFeedError, KernelNotFoundError, ModelLoadError, NodeError, OnnxTsError, Tensor,
} from '../../src/index.js';
import { KernelInputError } from '../../src/errors/errors.js';
import { errorFromWire, errorToWire } from '../../src/runtime/threads/wire-errors.js';
import { fromWire, toWire } from '../../src/runtime/threads/wire-values.js';

/** Through structured clone, as postMessage sends it. */
function send(value: unknown, transfer: Transferable[] = []): unknown {
  return structuredClone(value, { transfer });
}

describe('values', () => {
  it('tensors, sequences, maps, null and plain options survive a trip', () => {
    const t = new Tensor('float32', Float32Array.from([1, -0, Number.NaN]), [3]);
    const s = new Tensor('string', ['a', 'b'], [2, 1]);
    const i = new Tensor('int64', BigInt64Array.from([1n, -2n]), [2]);
    const value = { a: t, seq: [t, i], map: new Map<string, unknown>([['k', s]]), none: null, options: { tag: 'x', terminate: false } };
    const back = fromWire(send(toWire(value))) as typeof value;
    expect(back.a).toBeInstanceOf(Tensor);
    expect(back.a.dims).toEqual([3]);
    expect(Object.is(back.a.data[1], -0)).toBe(true);
    expect(Number.isNaN(back.a.data[2])).toBe(true);
    expect((back.seq[1] as Tensor).data).toEqual(i.data);
    expect((back.map.get('k') as Tensor).data).toEqual(['a', 'b']);
    expect(back.none).toBeNull();
    expect(back.options).toEqual({ tag: 'x', terminate: false });
  });

  it('tensor-likes from another onnxruntime-common copy travel as tensors', () => {
    class OtherTensor {
      constructor(private readonly payload: Float32Array) {}
      get type() { return 'float32'; }
      get data() { return this.payload; }
      get dims() { return [2]; }
    }
    const back = fromWire(send(toWire({ x: new OtherTensor(Float32Array.from([3, 4])) }))) as { x: Tensor };
    expect(back.x).toBeInstanceOf(Tensor);
    expect(Array.from(back.x.data as Float32Array)).toEqual([3, 4]);
  });

  it('a feed that views part of a larger buffer sends only its own elements', () => {
    const big = new Float32Array(1 << 16).fill(1);
    const wire = toWire({ x: new Tensor('float32', big.subarray(10, 14), [4]) }) as { x: { data: Float32Array } };
    expect(wire.x.data.buffer.byteLength).toBe(16);
    const whole = toWire({ x: new Tensor('float32', big, [1 << 16]) }) as { x: { data: Float32Array } };
    expect(whole.x.data).toBe(big);
  });

  it('with a transfer list, data moves as copies: the sender keeps its buffers', () => {
    const shared = new Float32Array(8).fill(5);
    const view = new Tensor('float32', shared.subarray(2, 4), [2]);
    const whole = new Tensor('float32', shared, [8]);
    const transfer: Transferable[] = [];
    const back = fromWire(send(toWire({ view, whole }, transfer), transfer)) as { view: Tensor; whole: Tensor };
    expect(transfer).toHaveLength(2);
    expect(shared.length).toBe(8);
    expect(Array.from(back.view.data as Float32Array)).toEqual([5, 5]);
    expect((back.whole.data as Float32Array).length).toBe(8);
  });
});

describe('errors', () => {
  const node = { name: 'n1', opType: 'Conv', domain: '', opset: 17, output: 'y' };
  const errors: Error[] = [
    new ModelLoadError('truncated', 'the model is cut short'),
    new NodeError('bad kernel_shape', node),
    new KernelNotFoundError('opset', 'no kernel for opset 99', node),
    new GraphValidationError('a cycle', node),
    new InvalidFeedError('missing x'),
    new InvalidArgumentError('bad option'),
    new KernelInputError('bad input'),
    new OnnxTsError('generic'),
    new TypeError('not a tensor'),
    new RangeError('out of range'),
  ];

  it.each(errors.map((e) => [e.name, e] as const))('%s keeps its class, message and fields', (_name, error) => {
    const back = errorFromWire(send(errorToWire(error)) as never);
    expect(back.constructor).toBe(error.constructor);
    expect(back.name).toBe(error.name);
    expect(back.message).toBe(error.message);
    expect(back.stack).toBe(error.stack);
    for (const field of ['problem', 'failure', 'node'] as const) {
      expect((back as never as Record<string, unknown>)[field]).toEqual((error as never as Record<string, unknown>)[field]);
    }
  });

  it('causes come along; unknown classes keep their name', () => {
    const inner = new RangeError('inner');
    const outer = new NodeError('outer', node, { cause: inner });
    const back = errorFromWire(send(errorToWire(outer)) as never);
    expect(back.cause).toBeInstanceOf(RangeError);
    expect((back.cause as Error).message).toBe('inner');
    const odd = new Error('odd');
    odd.name = 'DataCloneError';
    expect(errorFromWire(send(errorToWire(odd)) as never).name).toBe('DataCloneError');
    expect(errorFromWire(errorToWire('a string')).message).toBe('a string');
  });
});
