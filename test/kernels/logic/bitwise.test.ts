import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from '../math/single-op.js';

const INT_TYPES: DataType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
const BITS: Record<string, number> = { uint8: 8, uint16: 16, uint32: 32, uint64: 64 };

describe.each(['BitwiseAnd', 'BitwiseOr', 'BitwiseXor'])('%s', (op) => {
  it.each(INT_TYPES)('%s with broadcasting matches onnxruntime', async (type) => {
    const unsigned = type.startsWith('u');
    await expectOpMatchesOrt(op, [{ type, shape: [3, 4, 5], min: unsigned ? 0 : -120, max: 120 }, { type, shape: [5], min: unsigned ? 0 : -120, max: 120 }], { opset: 18 });
  });

  it('uses every bit of uint32 and int64 values', async () => {
    const f: Record<string, (a: bigint, b: bigint) => bigint> = { BitwiseAnd: (a, b) => a & b, BitwiseOr: (a, b) => a | b, BitwiseXor: (a, b) => a ^ b };
    const a = [0xffff0000n, 0x80000001n];
    const b = [0x0ff00ff0n, 0xffffffffn];
    await expectOpGives(op, [{ type: 'uint32', shape: [2], tensor: tensorOf('uint32', [2], a.map(Number)) }, { type: 'uint32', shape: [2], tensor: tensorOf('uint32', [2], b.map(Number)) }], {
      type: 'uint32',
      dims: [2],
      data: a.map((v, i) => Number(f[op](v, b[i]))),
    }, { opset: 18 });
    const c = [-(2n ** 62n) - 5n, 2n ** 61n + 3n];
    const d = [2n ** 62n + 7n, -1n];
    await expectOpGives(op, [{ type: 'int64', shape: [2], tensor: tensorOf('int64', [2], c) }, { type: 'int64', shape: [2], tensor: tensorOf('int64', [2], d) }], {
      type: 'int64',
      dims: [2],
      data: c.map((v, i) => BigInt.asIntN(64, f[op](v, d[i]))),
    }, { opset: 18 });
  });
});

describe('BitwiseNot', () => {
  it.each(INT_TYPES)('%s matches onnxruntime', async (type) => {
    await expectOpMatchesOrt('BitwiseNot', [{ type, shape: [3, 4], min: type.startsWith('u') ? 0 : -100, max: 100 }], { opset: 18 });
  });
});

describe('BitShift', () => {
  // onnxruntime has no uint16 BitShift; the next tests cover it.
  it.each(['uint8', 'uint32', 'uint64'].flatMap((t) => [[t, 'LEFT'], [t, 'RIGHT']]))('%s %s matches onnxruntime', async (type, direction) => {
    const t = type as DataType;
    await expectOpMatchesOrt('BitShift', [{ type: t, shape: [4, 5], min: 0, max: 200 }, { type: t, shape: [5], min: 0, max: BITS[t] - 1 }], {
      opset: 11,
      attributes: { direction: attr.string(direction) },
    });
  });

  it.each(Object.keys(BITS))('%s: shifting by the width or more gives 0', async (type) => {
    const t = type as DataType;
    const big = t === 'uint64';
    const v = (n: number) => (big ? BigInt(n) : n);
    const width = BITS[t];
    const x = { type: t, shape: [3], tensor: tensorOf(t, [3], [v(1), v(255), v(7)]) };
    const s = { type: t, shape: [3], tensor: tensorOf(t, [3], [v(width), v(width + 1), v(width - 1)]) };
    const top = big ? 1n << 63n : (1 << (width - 1)) >>> 0;
    await expectOpGives('BitShift', [x, s], { type: t, dims: [3], data: [v(0), v(0), big ? top : width === 32 ? 2 ** 31 : top] }, {
      opset: 11,
      attributes: { direction: attr.string('LEFT') },
    });
    await expectOpGives('BitShift', [x, s], { type: t, dims: [3], data: [v(0), v(0), v(0)] }, { opset: 11, attributes: { direction: attr.string('RIGHT') } });
  });

  it('uint16 shifts each element by its own amount', async () => {
    const x = [1, 0x8001, 0xffff, 12345];
    const s = [15, 1, 4, 3];
    const left = x.map((v, i) => (v << s[i]) & 0xffff);
    const right = x.map((v, i) => v >>> s[i]);
    const inputs = [{ type: 'uint16' as const, shape: [4], tensor: tensorOf('uint16', [4], x) }, { type: 'uint16' as const, shape: [4], tensor: tensorOf('uint16', [4], s) }];
    await expectOpGives('BitShift', inputs, { type: 'uint16', dims: [4], data: left }, { opset: 11, attributes: { direction: attr.string('LEFT') } });
    await expectOpGives('BitShift', inputs, { type: 'uint16', dims: [4], data: right }, { opset: 11, attributes: { direction: attr.string('RIGHT') } });
  });

  it('keeps the low bits of a left shift', async () => {
    await expectOpGives('BitShift', [
      { type: 'uint8', shape: [2], tensor: tensorOf('uint8', [2], [0b10110011, 0xff]) },
      { type: 'uint8', shape: [1], tensor: tensorOf('uint8', [1], [3]) },
    ], { type: 'uint8', dims: [2], data: [0b10011000, 0b11111000] }, { opset: 11, attributes: { direction: attr.string('LEFT') } });
  });

  it('requires a valid direction', async () => {
    await expectOpFails('BitShift', [{ type: 'uint8', shape: [2] }, { type: 'uint8', shape: [2] }], /direction.*'UP'/, { opset: 11, attributes: { direction: attr.string('UP') } });
    await expectOpFails('BitShift', [{ type: 'uint8', shape: [2] }, { type: 'uint8', shape: [2] }], /direction/, { opset: 11 });
  });
});
