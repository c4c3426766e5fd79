import { describe, expect, it } from 'vitest';
import { onnxCodeOf, type DataType } from '../../../src/tensor/element-type.js';
import { Tensor } from '../../../src/index.js';
import { expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from '../math/single-op.js';

const to = (type: DataType) => ({ to: attr.int(onnxCodeOf(type)) });
const EXACT = { rtol: 0, atol: 0 };

const NUMERIC: DataType[] = ['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];

describe('Cast between the standard types', () => {
  const pairs = NUMERIC.flatMap((from) => NUMERIC.filter((t) => t !== from).map((t) => [from, t] as [DataType, DataType]));
  it.each(pairs)('%s -> %s matches onnxruntime', async (from, target) => {
    // Float -> integer is undefined out of range, so the values stay inside every target's range.
    const unsignedTarget = target.startsWith('u');
    const min = unsignedTarget || from.startsWith('u') ? 0 : -100;
    await expectOpMatchesOrt('Cast', [{ type: from, shape: [4, 5], min, max: 100 }], { opset: 21, attributes: to(target), outType: target, tolerance: EXACT });
  });

  it.each([[[0]], [[]], [[2, 0, 3]]])('keeps the shape %j', async (shape) => {
    await expectOpMatchesOrt('Cast', [{ type: 'float32', shape }], { opset: 21, attributes: to('int64'), outType: 'int64' });
  });

  it('float -> integer truncates toward zero', async () => {
    const x = tensorOf('float32', [6], [2.9, -2.9, 0.5, -0.5, 126.99, -127.7]);
    await expectOpGives('Cast', [{ type: 'float32', shape: [6], tensor: x }], { type: 'int8', dims: [6], data: [2, -2, 0, -0, 126, -127] }, { opset: 21, attributes: to('int8'), outType: 'int8' });
    await expectOpMatchesOrt('Cast', [{ type: 'float64', shape: [6], tensor: tensorOf('float64', [6], [2.9, -2.9, 0.5, -0.5, 1e15 + 0.5, -9e15]) }], {
      opset: 21,
      attributes: to('int64'),
      outType: 'int64',
      tolerance: EXACT,
    });
  });

  it('integer -> narrower integer keeps the low bits (two\'s complement wrap-around)', async () => {
    const x = tensorOf('int64', [6], [200n, -200n, 70000n, 2n ** 40n + 5n, -(2n ** 63n), 2n ** 63n - 1n]);
    for (const target of ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32'] as DataType[]) {
      await expectOpMatchesOrt('Cast', [{ type: 'int64', shape: [6], tensor: x }], { opset: 21, attributes: to(target), outType: target, tolerance: EXACT });
    }
    await expectOpMatchesOrt('Cast', [{ type: 'int64', shape: [6], tensor: x }], { opset: 21, attributes: to('uint64'), outType: 'uint64', tolerance: EXACT });
    await expectOpMatchesOrt('Cast', [{ type: 'uint32', shape: [3], tensor: tensorOf('uint32', [3], [2 ** 32 - 1, 2 ** 31, 5]) }], {
      opset: 21,
      attributes: to('int32'),
      outType: 'int32',
      tolerance: EXACT,
    });
  });

  it('anything -> bool is "nonzero"; NaN is true, -0 is false', async () => {
    const x = tensorOf('float32', [6], [0, -0, NaN, 0.001, -Infinity, 256]);
    await expectOpGives('Cast', [{ type: 'float32', shape: [6], tensor: x }], { type: 'bool', dims: [6], data: [0, 0, 1, 1, 1, 1] }, { opset: 21, attributes: to('bool'), outType: 'bool' });
    await expectOpMatchesOrt('Cast', [{ type: 'int64', shape: [3], tensor: tensorOf('int64', [3], [2n ** 40n, 0n, -1n]) }], { opset: 21, attributes: to('bool'), outType: 'bool' });
  });

  it('float32 -> float16 rounds to nearest even, with overflow to infinity', async () => {
    const x = tensorOf('float32', [6], [1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 65520, 1e-8, -70000]);
    await expectOpMatchesOrt('Cast', [{ type: 'float32', shape: [6], tensor: x }], { opset: 21, attributes: to('float16'), outType: 'float16', tolerance: EXACT });
  });

  it('int64 -> float64 rounds to nearest beyond 2^53', async () => {
    await expectOpMatchesOrt('Cast', [{ type: 'int64', shape: [2], tensor: tensorOf('int64', [2], [2n ** 53n + 1n, -(2n ** 62n) - 3n]) }], {
      opset: 21,
      attributes: to('float64'),
      outType: 'float64',
      tolerance: EXACT,
    });
  });

  it('casting to the same type gives the input values', async () => {
    await expectOpMatchesOrt('Cast', [{ type: 'float32', shape: [3, 3] }], { opset: 21, attributes: to('float32'), outType: 'float32', tolerance: EXACT });
  });
});

describe('Cast to and from string', () => {
  const STRINGS = ['0.47892547', '1e-5', '1E8', '-INF', 'INF', '+INF', 'NaN', '  3.5', '-0.0000001', '1000000', '-12.75', '7'];

  it.each(['float32', 'float64', 'float16'] as DataType[])('string -> %s parses plain, scientific and special values like onnxruntime', async (target) => {
    await expectOpMatchesOrt('Cast', [{ type: 'string', shape: [12], tensor: tensorOf('string', [12], STRINGS) }], { opset: 21, attributes: to(target), outType: target, tolerance: EXACT });
  });

  it.each(['int64', 'int32', 'int8', 'uint8', 'uint64'] as DataType[])('string -> %s reads the leading integer like onnxruntime', async (target) => {
    const strings = ['100.5', '-7', '42', '0', '300', ' 12'];
    const values = target.startsWith('u') ? strings.filter((s) => !s.startsWith('-')) : strings;
    await expectOpMatchesOrt('Cast', [{ type: 'string', shape: [values.length], tensor: tensorOf('string', [values.length], values) }], {
      opset: 21,
      attributes: to(target),
      outType: target,
      tolerance: EXACT,
    });
  });

  it('string -> int64 is exact past 2^53', async () => {
    await expectOpGives('Cast', [{ type: 'string', shape: [2], tensor: tensorOf('string', [2], ['9007199254740993', '-9223372036854775808']) }], {
      type: 'int64',
      dims: [2],
      data: [9007199254740993n, -(2n ** 63n)],
    }, { opset: 21, attributes: to('int64'), outType: 'int64' });
  });

  it.each(['float32', 'float64', 'float16', 'int8', 'int32', 'int64', 'uint16', 'uint64', 'bool'] as DataType[])('%s -> string matches onnxruntime', async (from) => {
    await expectOpMatchesOrt('Cast', [{ type: from, shape: [3, 4], min: from.startsWith('u') ? 0 : -50, max: 1000 }], { opset: 21, attributes: to('string'), outType: 'string' });
  });

  it('float -> string writes %.8g and the special literals like onnxruntime', async () => {
    const x = tensorOf('float32', [8], [NaN, Infinity, -Infinity, 0, 1e-7, 123456789, 0.1, -2.5]);
    await expectOpMatchesOrt('Cast', [{ type: 'float32', shape: [8], tensor: x }], { opset: 21, attributes: to('string'), outType: 'string' });
  });

  it('rejects a string that is not a number', async () => {
    await expectOpFails('Cast', [{ type: 'string', shape: [1], tensor: tensorOf('string', [1], ['Hello']) }], /cannot cast the string "Hello"/, {
      opset: 21,
      attributes: to('float32'),
      outType: 'float32',
    });
  });
});

/**
 * onnxruntime-node cannot hand float8 tensors to JavaScript, so these compare a round trip
 * float -> float8 -> float in both runtimes.
 */
async function expectRoundTripMatchesOrt(from: DataType, via: DataType, x: Tensor, castAttributes: Record<string, AttributeValue>, opset: number): Promise<void> {
  const model = buildModel({
    nodes: [
      { op: 'Cast', inputs: ['x'], outputs: ['m'], attributes: { ...castAttributes, to: attr.int(onnxCodeOf(via)) } },
      { op: 'Cast', inputs: ['m'], outputs: ['y'], attributes: { to: attr.int(onnxCodeOf(from)) } },
    ],
    inputs: [{ name: 'x', type: from, shape: x.dims }],
    outputs: [{ name: 'y', type: from }],
    opsets: { '': opset },
  });
  const [ours, theirs] = await Promise.all([runOnnxts(model, { x }), runOnnxruntime(model, { x })]);
  expectTensorsClose(ours.y, theirs.y, EXACT, `${from} -> ${via} -> ${from}`);
}

describe('Cast to the float8 types', () => {
  const F8: DataType[] = ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'];
  const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e6, -1e6, 1e-7, -1e-7, 448, 464, 465, 480, 240, 248, 57344, 61440, 61441, 2 ** -10, 3 * 2 ** -11, 0.3];

  it.each(F8.flatMap((t) => [[t, 1], [t, 0]]))('float32 -> %s (saturate=%i) matches onnxruntime on special and random values', async (via, saturate) => {
    const rng = new Rng(5);
    const random = Array.from({ length: 300 }, () => (rng.next() < 0.5 ? -1 : 1) * 2 ** rng.uniform(-20, 18));
    // onnxruntime departs from the spec in two non-saturating cases: e4m3fn maps 480 <= |x| < 496
    // to +-448 (the spec: [x] = 480 > FLT_MAX, so NaN) and e5m2 maps 61440 <= |x| < 65536 to NaN
    // (the spec: [x] = 65536 > FLT_MAX, so infinity). test/tensor/minifloat.test.ts checks those.
    const quirk = (v: number) => !saturate && ((via === 'float8e4m3fn' && Math.abs(v) >= 480 && Math.abs(v) < 496) || (via === 'float8e5m2' && Math.abs(v) >= 61440 && Math.abs(v) < 65536));
    const values = [...SPECIAL, ...random].filter((v) => !quirk(v));
    await expectRoundTripMatchesOrt('float32', via as DataType, tensorOf('float32', [values.length], values), { saturate: attr.int(saturate as number) }, 21);
  });

  it.each(F8)('float16 -> %s matches onnxruntime', async (via) => {
    const x = randomTensor('float16', [64], new Rng(9), -500, 500);
    await expectRoundTripMatchesOrt('float16', via, x, {}, 21);
  });

  it('float8 -> float32 decodes every code like onnxruntime', async () => {
    for (const via of F8) {
      // All 256 codes, reached by casting their exact float32 values (saturating, so each is kept).
      const model = buildModel({
        nodes: [{ op: 'Cast', inputs: ['x'], outputs: ['y'], attributes: to('float32') }],
        inputs: [{ name: 'x', type: via, shape: [256] }],
        outputs: [{ name: 'y', type: 'float32' }],
        opsets: { '': 21 },
      });
      const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const ours = await runOnnxts(model, { x: new Tensor(via as Tensor.Type, codes, [256]) });
      const decoded = Array.from(ours.y.data as Float32Array);
      await expectRoundTripMatchesOrt('float32', via, tensorOf('float32', [256], decoded), {}, 21);
      expect(decoded.filter(Number.isNaN).length, `${via} NaN codes`).toBe(via.endsWith('fnuz') ? 1 : via === 'float8e5m2' ? 6 : 2);
    }
  });
});

describe('CastLike', () => {
  it.each([['float32', 'int64'], ['int32', 'float16'], ['float64', 'float32'], ['uint8', 'bool'], ['float32', 'string']] as [DataType, DataType][])(
    '%s like %s matches onnxruntime',
    async (from, like) => {
      await expectOpMatchesOrt('CastLike', [{ type: from, shape: [3, 4], min: 0, max: 50 }, { type: like, shape: [0] }], { opset: 21, outType: like, tolerance: EXACT });
    },
  );

  it('passes saturate through to float8 targets', async () => {
    const x = tensorOf('float32', [3], [1e6, -1e6, 1]);
    const like = { type: 'float8e4m3fn' as const, shape: [1], tensor: new Tensor('float8e4m3fn', new Uint8Array(1), [1]) };
    const out = await runOnnxts(
      buildModel({
        nodes: [{ op: 'CastLike', inputs: ['x', 'like'], outputs: ['y'], attributes: { saturate: attr.int(0) } }],
        inputs: [{ name: 'x', type: 'float32', shape: [3] }, { name: 'like', type: 'float8e4m3fn', shape: [1] }],
        outputs: [{ name: 'y', type: 'float8e4m3fn' }],
        opsets: { '': 19 },
      }),
      { x, like: like.tensor },
    );
    expect(Array.from(out.y.data as Uint8Array)).toEqual([0x7f, 0xff, 0x38]);
  });
});

describe('Cast at old opsets and with bad attributes', () => {
  it.each([['FLOAT', 'float32'], ['DOUBLE', 'float64'], ['INT32', 'int32'], ['float16', 'float16']] as [string, DataType][])(
    'opset 1 takes the type name "%s"',
    async (name, target) => {
      await expectOpMatchesOrt('Cast', [{ type: 'int64', shape: [5] }], {
        opset: 1,
        attributes: { to: attr.string(name) },
        oracleOpset: 13,
        oracleAttributes: to(target),
        outType: target,
        tolerance: EXACT,
      });
    },
  );

  it('opset 6 takes the type code', async () => {
    await expectOpMatchesOrt('Cast', [{ type: 'float32', shape: [5] }], { opset: 6, oracleOpset: 13, attributes: to('int32'), outType: 'int32', tolerance: EXACT });
  });

  it('rejects an unknown type code or name, and complex targets', async () => {
    await expectOpFails('Cast', [{ type: 'float32', shape: [2] }], /attribute 'to' is 99/, { opset: 21, attributes: { to: attr.int(99) }, outType: 'float32' });
    await expectOpFails('Cast', [{ type: 'float32', shape: [2] }], /attribute 'to' is 'REAL'/, { opset: 1, attributes: { to: attr.string('REAL') }, outType: 'float32' });
    await expectOpFails('Cast', [{ type: 'float32', shape: [2] }], /attribute 'to' is 14/, { opset: 21, attributes: { to: attr.int(14) }, outType: 'float32' });
  });

  it('rejects an unknown round_mode', async () => {
    await expectOpFails('Cast', [{ type: 'float32', shape: [2] }], /round_mode.*'sideways'/, {
      opset: 25,
      attributes: { ...to('float8e8m0'), round_mode: attr.string('sideways') },
      outType: 'float8e8m0',
    });
  });
});
