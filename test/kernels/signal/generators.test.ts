import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { onnxCodeOf, type DataType } from '../../../src/tensor/element-type.js';
import { float16BitsToNumber } from '../../../src/tensor/numeric/float16.js';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';

const FLOAT16_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-3 };

function windowModel(op: string, type: DataType, periodic?: number): Uint8Array {
  const attributes: Record<string, AttributeValue> = { output_datatype: attr.int(onnxCodeOf(type)) };
  if (periodic !== undefined) attributes.periodic = attr.int(periodic);
  return singleNodeModel(op, [{ name: 'size', type: 'int64', shape: [] }], [{ name: 'y', type }], { attributes });
}

const size = (n: number) => new Tensor('int64', BigInt64Array.from([BigInt(n)]), []);

describe.each(['HannWindow', 'HammingWindow', 'BlackmanWindow'])('%s against onnxruntime', (op) => {
  it.each([
    ['float32', 1], ['float32', 0], ['float64', 1], ['float64', 0], ['float16', 1], ['int32', 0], ['int64', 1], ['uint8', 0],
  ] as const)('%s, periodic=%i', async (type, periodic) => {
    for (const n of [2, 5, 10, 64, 101]) {
      await expectMatchesOnnxruntime(windowModel(op, type, periodic), { size: size(n) }, type === 'float16' ? FLOAT16_TOLERANCE : undefined, `${op} size ${n}`);
    }
  });

  it('periodic by default, float32 by default', async () => {
    const model = singleNodeModel(op, [{ name: 'size', type: 'int32', shape: [] }], [{ name: 'y', type: 'float32' }]);
    await expectMatchesOnnxruntime(model, { size: new Tensor('int32', Int32Array.from([16]), []) });
  });

  it('size 0 is empty; a one-point symmetric window is [1] (N - 1 = 0 leaves the formula undefined)', async () => {
    expect((await runOnnxts(windowModel(op, 'float32', 1), { size: size(0) })).y.dims).toEqual([0]);
    expect(Array.from((await runOnnxts(windowModel(op, 'float32', 0), { size: size(1) })).y.data as Float32Array)).toEqual([1]);
  });

  it('a negative size is an error', async () => {
    await expect(runOnnxts(windowModel(op, 'float32'), { size: size(-3) })).rejects.toThrow(/size must be non-negative, got -3/);
  });
});

interface MelCase {
  readonly melBins: number;
  readonly dftLength: number;
  readonly sampleRate: number;
  readonly lower: number;
  readonly upper: number;
  readonly type?: DataType;
}

function melModel(c: MelCase): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const ints = ['num_mel_bins', 'dft_length', 'sample_rate'];
  const model = singleNodeModel(
    'MelWeightMatrix',
    [...ints.map((name) => ({ name, type: 'int64' as DataType, shape: [] })), { name: 'lower', type: 'float32', shape: [] }, { name: 'upper', type: 'float32', shape: [] }],
    [{ name: 'y', type: c.type ?? 'float32' }],
    { attributes: c.type ? { output_datatype: attr.int(onnxCodeOf(c.type)) } : {} },
  );
  const int = (v: number) => new Tensor('int64', BigInt64Array.from([BigInt(v)]), []);
  const float = (v: number) => new Tensor('float32', Float32Array.from([v]), []);
  return {
    model,
    feeds: { num_mel_bins: int(c.melBins), dft_length: int(c.dftLength), sample_rate: int(c.sampleRate), lower: float(c.lower), upper: float(c.upper) },
  };
}

describe('MelWeightMatrix against onnxruntime', () => {
  const cases: MelCase[] = [
    { melBins: 8, dftLength: 16, sampleRate: 8192, lower: 0, upper: 4096 },
    { melBins: 40, dftLength: 512, sampleRate: 16000, lower: 20, upper: 8000 },
    { melBins: 80, dftLength: 400, sampleRate: 16000, lower: 0, upper: 8000 },
    { melBins: 10, dftLength: 255, sampleRate: 22050, lower: 300, upper: 5000, type: 'float64' },
    { melBins: 24, dftLength: 1024, sampleRate: 44100, lower: 50, upper: 11025, type: 'int32' },
  ];
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', async (_, c) => {
    const { model, feeds } = melModel(c);
    await expectMatchesOnnxruntime(model, feeds);
  });

  it('float16 (which onnxruntime lacks) rounds the float32 weights', async () => {
    const c: MelCase = { melBins: 24, dftLength: 1024, sampleRate: 44100, lower: 50, upper: 11025 };
    const { model, feeds } = melModel(c);
    const expected = (await runOnnxruntime(model, feeds)).y;
    const half = (await runOnnxts(melModel({ ...c, type: 'float16' }).model, feeds)).y;
    expect(half.type).toBe('float16');
    expectTensorsClose({ type: 'float32', dims: half.dims, data: Float32Array.from(half.data as Uint16Array, float16BitsToNumber) }, expected, FLOAT16_TOLERANCE, 'float16 mel');
  });

  it('an upper edge beyond the Nyquist frequency is an error', async () => {
    const { model, feeds } = melModel({ melBins: 8, dftLength: 16, sampleRate: 8000, lower: 0, upper: 12000 });
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/the mel filters reach spectrum bin \d+, outside 0..8/);
  });
});
