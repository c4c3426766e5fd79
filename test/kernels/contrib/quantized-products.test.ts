import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { FLOAT32_TOLERANCE } from '../../support/differential.js';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { constant, integerConstant, RANGES, scales } from '../quant/quant-data.js';
import { expectMatchesOrt, runNode, type Operand } from '../quant/quant-model.js';

function quantized(type: DataType, dims: number[], rng: Rng): Operand {
  const [lo, hi] = RANGES[type]!;
  return { feed: new Tensor(type as Tensor.Type, integerConstant(type, dims, rng, lo, hi).data as never, dims) };
}

const zeroPoint = (type: DataType, dims: number[], rng: Rng): Operand =>
  ({ constant: integerConstant(type, dims, rng, type === 'uint8' ? 100 : -30, type === 'uint8' ? 160 : 30) });
const scaleOf = (dims: number[], rng: Rng): Operand => ({ constant: constant('float32', dims, scales(dims.reduce((a, b) => a * b, 1), rng, false)) });
const floats = (dims: number[], rng: Rng, lo = -2, hi = 2): Operand =>
  ({ feed: new Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.uniform(lo, hi)), dims) });

describe('QGemm against onnxruntime', () => {
  const cases: [number, number, number, boolean, boolean][] = [[5, 7, 9, false, false], [4, 3, 6, true, false], [9, 8, 5, false, true], [3, 17, 2, true, true], [1, 40, 33, false, false]];
  const pairs: [DataType, DataType][] = [['uint8', 'uint8'], ['uint8', 'int8'], ['int8', 'int8']];
  for (const [aType, bType] of pairs) {
    it.each(cases)(`${aType} x ${bType}: M %i, K %i, N %i, transA %s, transB %s`, async (m, k, n, transA, transB) => {
      const rng = new Rng(m * 100 + k * 10 + n);
      const attributes = { transA: attr.int(+transA), transB: attr.int(+transB), alpha: attr.float(rng.uniform(0.5, 2)) };
      for (const perColumn of [false, true]) {
        const bParams = perColumn ? [n] : [];
        const a = quantized(aType, transA ? [k, m] : [m, k], rng);
        const b = quantized(bType, transB ? [n, k] : [k, n], rng);
        const common: Operand[] = [a, scaleOf([], rng), zeroPoint(aType, [], rng), b, scaleOf(bParams, rng), zeroPoint(bType, bParams, rng)];
        const c: Operand = { constant: integerConstant('int32', perColumn ? [n] : [m, n], rng, -3000, 3000) };
        const label = perColumn ? 'per column' : 'per tensor';
        await expectMatchesOrt({ op: 'QGemm', domain: 'com.microsoft', inputs: [...common, c, { constant: constant('float32', [], [Math.fround(k * 0.3)]) }, zeroPoint(aType, [], rng)], outputs: [aType], attributes }, `${label}, quantized`);
        await expectMatchesOrt({ op: 'QGemm', domain: 'com.microsoft', inputs: [...common, c], outputs: ['float32'], attributes }, `${label}, float`, FLOAT32_TOLERANCE);
        await expectMatchesOrt({ op: 'QGemm', domain: 'com.microsoft', inputs: common, outputs: ['float32'], attributes }, `${label}, float without C`, FLOAT32_TOLERANCE);
      }
    });
  }
});

describe('MatMulIntegerToFloat and DynamicQuantizeMatMul against onnxruntime', () => {
  const shapes: [number[], number[]][] = [[[5, 8], [8, 6]], [[2, 3, 7], [7, 4]], [[9, 16], [16, 33]], [[1, 5], [5, 1]]];
  it.each(shapes)('MatMulIntegerToFloat %j x %j', async (aDims, bDims) => {
    const rng = new Rng(aDims.length * 7 + bDims[1]);
    const n = bDims[1];
    for (const bType of ['uint8', 'int8'] as DataType[]) {
      for (const perColumn of [false, true]) {
        const bParams = perColumn ? [n] : [];
        const inputs: Operand[] = [
          quantized('uint8', aDims, rng), quantized(bType, bDims, rng), scaleOf([], rng), scaleOf(bParams, rng),
          zeroPoint('uint8', [], rng), zeroPoint(bType, bParams, rng), { constant: constant('float32', [n], scales(n, rng, false)) },
        ];
        await expectMatchesOrt({ op: 'MatMulIntegerToFloat', domain: 'com.microsoft', inputs, outputs: ['float32'] }, `${bType}${perColumn ? ' per column' : ''}`, FLOAT32_TOLERANCE);
        await expectMatchesOrt({ op: 'MatMulIntegerToFloat', domain: 'com.microsoft', inputs: inputs.slice(0, 4), outputs: ['float32'] }, `${bType} without zero points and bias`, FLOAT32_TOLERANCE);
      }
    }
  });

  it.each(shapes)('DynamicQuantizeMatMul %j x %j', async (aDims, bDims) => {
    const rng = new Rng(aDims.length * 11 + bDims[1]);
    const n = bDims[1];
    for (const bType of ['uint8', 'int8'] as DataType[]) {
      for (const perColumn of [false, true]) {
        const bParams = perColumn ? [n] : [];
        const inputs: Operand[] = [floats(aDims, rng), quantized(bType, bDims, rng), scaleOf(bParams, rng), zeroPoint(bType, bParams, rng), { constant: constant('float32', [n], scales(n, rng, false)) }];
        await expectMatchesOrt({ op: 'DynamicQuantizeMatMul', domain: 'com.microsoft', inputs, outputs: ['float32'] }, `${bType}${perColumn ? ' per column' : ''}`, FLOAT32_TOLERANCE);
        await expectMatchesOrt({ op: 'DynamicQuantizeMatMul', domain: 'com.microsoft', inputs: inputs.slice(0, 3), outputs: ['float32'] }, `${bType} without zero point and bias`, FLOAT32_TOLERANCE);
      }
    }
  });
});

/** Packs `bits`-wide values low bits first, as MatMulNBits stores weights and zero points. */
function pack(values: number[], bits: number): number[] {
  const bytes = new Array<number>(Math.ceil((values.length * bits) / 8)).fill(0);
  values.forEach((v, i) => { bytes[(i * bits) >> 3] |= v << ((i * bits) & 7); });
  return bytes;
}

describe('MatMulNBits against onnxruntime', () => {
  const cases: [number[], number, number, number, number][] = [
    [[3, 64], 64, 5, 4, 32], [[2, 5, 40], 40, 7, 4, 16], [[1, 128], 128, 9, 4, 64], [[4, 48], 48, 6, 8, 16], [[2, 32], 32, 3, 2, 16],
    // More weights than one dequantized tile (2^20 values) holds.
    [[2, 1024], 1024, 1100, 4, 128],
  ];
  it.each(cases)('A %j, K %i, N %i, %i bits, block_size %i', async (aDims, k, n, bits, blockSize) => {
    const rng = new Rng(k + n * 3 + bits);
    const blocks = Math.ceil(k / blockSize);
    const blob = (blockSize * bits) / 8;
    const levels = 2 ** bits;
    // Each block packs block_size values (the last one padded with zeros past K).
    const weights = Array.from({ length: n * blocks }, () => pack(Array.from({ length: blockSize }, () => rng.int(0, levels - 1)), bits)).flat();
    const b: Operand = { constant: constant('uint8', [n, blocks, blob], weights) };
    const s: Operand = { constant: constant('float32', [n * blocks], scales(n * blocks, rng, false)) };
    const zeroRow = Math.ceil((blocks * bits) / 8);
    const packedZeros: Operand = { constant: constant('uint8', [n * zeroRow], Array.from({ length: n }, () => pack(Array.from({ length: blocks }, () => rng.int(0, levels - 1)), bits)).flat()) };
    const floatZeros: Operand = { constant: constant('float32', [n * blocks], Array.from({ length: n * blocks }, () => rng.int(0, levels - 1))) };
    const bias: Operand = { constant: constant('float32', [n], scales(n, rng, false)) };
    const attributes = { K: attr.int(k), N: attr.int(n), bits: attr.int(bits), block_size: attr.int(blockSize) };
    const a = floats(aDims, rng);
    const tolerance = { rtol: 1e-4, atol: 1e-4 };
    const variants: [string, Operand[]][] = [['default zero points', [a, b, s]], ['packed zero points and bias', [a, b, s, packedZeros, undefined, bias]]];
    // onnxruntime takes float zero points only with 2- and 4-bit weights.
    if (bits !== 8) variants.push(['float zero points', [a, b, s, floatZeros]]);
    for (const [label, inputs] of variants) {
      await expectMatchesOrt({ op: 'MatMulNBits', domain: 'com.microsoft', inputs, outputs: ['float32'], attributes }, label, tolerance);
    }
  });

  it('float16 input and scales', async () => {
    const rng = new Rng(16);
    const [k, n, blockSize] = [32, 4, 16];
    const b: Operand = { constant: constant('uint8', [n, 2, 8], Array.from({ length: n * 16 }, () => rng.int(0, 255))) };
    const a: Operand = { feed: new Tensor('float16', constant('float16', [2, k], Array.from({ length: 2 * k }, () => rng.uniform(-1, 1))).data as Uint16Array, [2, k]) };
    const s: Operand = { constant: constant('float16', [n * 2], scales(n * 2, rng, true)) };
    const attributes = { K: attr.int(k), N: attr.int(n), bits: attr.int(4), block_size: attr.int(blockSize) };
    await expectMatchesOrt({ op: 'MatMulNBits', domain: 'com.microsoft', inputs: [a, b, s], outputs: ['float16'], attributes }, 'float16', { rtol: 2e-3, atol: 2e-3 });
  });

  it('takes each k\'s block from g_idx', async () => {
    // K = 32 in two blocks of 16; g_idx sends the first 16 values of k to block 1 and the rest to block 0.
    const weights = pack(new Array(32).fill(9), 4);
    const inputs: Operand[] = [
      { constant: constant('float32', [1, 32], new Array(32).fill(1)) }, { constant: constant('uint8', [1, 2, 8], weights) },
      { constant: constant('float32', [2], [1, 10]) }, undefined, { constant: constant('int32', [32], Array.from({ length: 32 }, (_, i) => (i < 16 ? 1 : 0))) },
    ];
    const attributes = { K: attr.int(32), N: attr.int(1), bits: attr.int(4), block_size: attr.int(16) };
    const out = (await runNode({ op: 'MatMulNBits', domain: 'com.microsoft', inputs, outputs: ['float32'], attributes })).out0;
    // (9 - 8) * 10 * 16 + (9 - 8) * 1 * 16.
    expect(Array.from(out.data as Float32Array)).toEqual([176]);
  });

  it('rejects weights of the wrong size', async () => {
    const inputs: Operand[] = [floats([1, 32], new Rng(1)), { constant: constant('uint8', [2, 1, 8], new Array(16).fill(0)) }, { constant: constant('float32', [2], [1, 1]) }];
    const attributes = { K: attr.int(32), N: attr.int(2), bits: attr.int(4), block_size: attr.int(16) };
    await expect(runNode({ op: 'MatMulNBits', domain: 'com.microsoft', inputs, outputs: ['float32'], attributes })).rejects.toThrow(/B must hold 32 values/);
  });
});
