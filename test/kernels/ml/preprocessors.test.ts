import { describe, expect, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { expectMlMatchesOrt, runMl } from './ml-node.js';

const rng = new Rng(23);
const f32 = (values: number[], dims = [values.length]) => new Tensor('float32', Float32Array.from(values), dims);
const i64 = (values: number[], dims = [values.length]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
const str = (values: string[], dims = [values.length]) => new Tensor('string', values, dims);

describe('Binarizer, Scaler, Normalizer, Imputer', () => {
  it('Binarizer matches onnxruntime', async () => {
    for (const threshold of [0, 0.5, -1]) {
      const x = f32([-2, -0.5, 0, 0.5, 1, 0.75, 3, 0.25], [2, 4]);
      await expectMlMatchesOrt({ op: 'Binarizer', feeds: { x }, outputs: { y: 'float32' }, attributes: { threshold: attr.float(threshold) }, opset: 1 });
    }
  });

  it('Binarizer maps NaN to 0, as the reference does (onnxruntime rejects NaN)', async () => {
    const out = await runMl({ op: 'Binarizer', feeds: { x: f32([NaN, 2]) }, outputs: { y: 'float32' }, attributes: {} });
    expect(Array.from(out.y.data as Float32Array)).toEqual([0, 1]);
  });

  it('Binarizer keeps integer types', async () => {
    const out = await runMl({ op: 'Binarizer', feeds: { x: i64([-1, 0, 1, 2]) }, outputs: { y: 'int64' }, attributes: { threshold: attr.float(0.5) } });
    expect(Array.from(out.y.data as BigInt64Array)).toEqual([0n, 0n, 1n, 1n]);
  });

  it.each([[[1], [2]], [[0.5, -1, 2], [1, 2, 0.5]]])('Scaler with offset %j and scale %j matches onnxruntime', async (offset, scale) => {
    for (const x of [randomTensor('float32', [4, 3], rng), randomTensor('float64', [2, 3], rng), randomTensor('int64', [3, 3], rng), randomTensor('int32', [3], rng)]) {
      await expectMlMatchesOrt({ op: 'Scaler', feeds: { x }, outputs: { y: 'float32' }, attributes: { offset: attr.floats(offset), scale: attr.floats(scale) }, opset: 1 }, `Scaler ${x.type}`);
    }
  });

  it.each(['MAX', 'L1', 'L2'])('Normalizer %s matches onnxruntime, zero rows included', async (norm) => {
    const x = f32([1, -2, 3, 0, 0, 0, -1, -4, 2, 0.5, 0.25, -0.75], [4, 3]);
    for (const feed of [x, randomTensor('float32', [5, 4], rng), randomTensor('float64', [3, 2], rng), randomTensor('int32', [2, 3], rng)]) {
      await expectMlMatchesOrt({ op: 'Normalizer', feeds: { x: feed }, outputs: { y: 'float32' }, attributes: { norm: attr.string(norm) }, opset: 1 }, `Normalizer ${norm} ${feed.type}`);
    }
  });

  it('Imputer replaces NaN or a value, per feature or broadcast, like onnxruntime', async () => {
    const x = f32([1, NaN, 3, NaN, 5, -1, -1, NaN, 2], [3, 3]);
    await expectMlMatchesOrt({ op: 'Imputer', feeds: { x }, outputs: { y: 'float32' }, attributes: { imputed_value_floats: attr.floats([7, 8, 9]), replaced_value_float: attr.float(NaN) } });
    await expectMlMatchesOrt({ op: 'Imputer', feeds: { x }, outputs: { y: 'float32' }, attributes: { imputed_value_floats: attr.floats([0]), replaced_value_float: attr.float(-1) } });
    const xi = i64([1, -1, 3, -1, 5, -1], [2, 3]);
    await expectMlMatchesOrt({ op: 'Imputer', feeds: { x: xi }, outputs: { y: 'int64' }, attributes: { imputed_value_int64s: attr.ints([10, 20, 30]), replaced_value_int64: attr.int(-1) } });
  });

  it('Imputer rejects a per-feature list of the wrong length', async () => {
    await expect(runMl({ op: 'Imputer', feeds: { x: f32([1, 2, 3], [1, 3]) }, outputs: { y: 'float32' }, attributes: { imputed_value_floats: attr.floats([1, 2]) } }))
      .rejects.toThrow(/2 values for 3 features/);
  });
});

describe('encoders and selectors', () => {
  it('OneHotEncoder over int64, float and strings matches onnxruntime', async () => {
    await expectMlMatchesOrt({ op: 'OneHotEncoder', feeds: { x: i64([1, 5, 3, 9, 1, 3], [2, 3]) }, outputs: { y: 'float32' }, attributes: { cats_int64s: attr.ints([1, 3, 5, 7]) }, opset: 1 });
    await expectMlMatchesOrt({ op: 'OneHotEncoder', feeds: { x: f32([1.7, 3, 5.2, -1]) }, outputs: { y: 'float32' }, attributes: { cats_int64s: attr.ints([1, 3, 5]) }, opset: 1 });
    await expectMlMatchesOrt({ op: 'OneHotEncoder', feeds: { x: str(['a', 'c', 'z', 'b'], [4, 1]) }, outputs: { y: 'float32' }, attributes: { cats_strings: attr.strings(['a', 'b', 'c']) }, opset: 1 });
  });

  it('OneHotEncoder with zeros=0 rejects an unknown category', async () => {
    await expect(runMl({ op: 'OneHotEncoder', feeds: { x: i64([1, 4]) }, outputs: { y: 'float32' }, attributes: { cats_int64s: attr.ints([1, 2]), zeros: attr.int(0) } }))
      .rejects.toThrow(/not in the category list/);
  });

  it('ArrayFeatureExtractor matches onnxruntime across ranks and types', async () => {
    for (const [type, dims] of [['float32', [3, 4]], ['int64', [2, 3, 5]], ['string', [6]], ['int32', [2, 2, 2, 3]], ['float64', [1, 4]]] as const) {
      const x = randomTensor(type, dims, rng);
      const last = dims[dims.length - 1];
      await expectMlMatchesOrt({ op: 'ArrayFeatureExtractor', feeds: { x, y: i64([last - 1, 0, last - 1]) }, outputs: { z: type }, attributes: {}, opset: 1 }, `${type}[${dims}]`);
    }
  });

  it('ArrayFeatureExtractor rejects an index past the last axis', async () => {
    await expect(runMl({ op: 'ArrayFeatureExtractor', feeds: { x: f32([1, 2, 3]), y: i64([3]) }, outputs: { z: 'float32' }, attributes: {} })).rejects.toThrow(/out of range/);
  });

  it('CategoryMapper maps both ways like onnxruntime', async () => {
    const attributes = { cats_strings: attr.strings(['cat', 'dog', 'cow']), cats_int64s: attr.ints([3, 1, 7]), default_int64: attr.int(-5), default_string: attr.string('?') };
    await expectMlMatchesOrt({ op: 'CategoryMapper', feeds: { x: str(['dog', 'cow', 'emu', 'cat'], [2, 2]) }, outputs: { y: 'int64' }, attributes, opset: 1 });
    await expectMlMatchesOrt({ op: 'CategoryMapper', feeds: { x: i64([7, 2, 3, 1]) }, outputs: { y: 'string' }, attributes, opset: 1 });
  });

  it('FeatureVectorizer concatenates, truncating and padding to inputdimensions, like onnxruntime', async () => {
    for (const type of ['float32', 'int64', 'float64', 'int32'] as const) {
      const feeds = { a: randomTensor(type, [3, 2], rng), b: randomTensor(type, [3, 4], rng), c: randomTensor(type, [3, 1], rng) };
      await expectMlMatchesOrt({ op: 'FeatureVectorizer', feeds, outputs: { y: 'float32' }, attributes: { inputdimensions: attr.ints([2, 3, 2]) }, opset: 1 }, type);
    }
  });
});

describe('LabelEncoder', () => {
  it('opset 1 maps strings to indices and back', async () => {
    const attributes = { classes_strings: attr.strings(['a', 'b', 'c']), default_int64: attr.int(-9), default_string: attr.string('none') };
    await expectMlMatchesOrt({ op: 'LabelEncoder', feeds: { x: str(['c', 'x', 'a']) }, outputs: { y: 'int64' }, attributes, opset: 1 });
    await expectMlMatchesOrt({ op: 'LabelEncoder', feeds: { x: i64([2, 5, 0, -1]) }, outputs: { y: 'string' }, attributes, opset: 1 });
  });

  it('opset 2 maps between strings, int64s and floats, with defaults, like onnxruntime', async () => {
    const cases = [
      { x: str(['a', 'b', 'q']), out: 'int64', attributes: { keys_strings: attr.strings(['a', 'b']), values_int64s: attr.ints([4, 5]), default_int64: attr.int(-3) } },
      { x: i64([4, 9, 5]), out: 'string', attributes: { keys_int64s: attr.ints([4, 5]), values_strings: attr.strings(['four', 'five']) } },
      { x: f32([1.5, NaN, 2]), out: 'float32', attributes: { keys_floats: attr.floats([1.5, 2]), values_floats: attr.floats([10, 20]), default_float: attr.float(7) } },
      { x: f32([1.5, 3]), out: 'string', attributes: { keys_floats: attr.floats([1.5]), values_strings: attr.strings(['x']) } },
    ] as const;
    for (const c of cases) await expectMlMatchesOrt({ op: 'LabelEncoder', feeds: { x: c.x }, outputs: { y: c.out }, attributes: c.attributes, opset: 2 });
  });

  it('opset 4 takes keys, values and defaults as tensors of more types', async () => {
    const out = await runMl({
      op: 'LabelEncoder', feeds: { x: new Tensor('int32', Int32Array.from([3, 4, 5]), [3]) }, outputs: { y: 'float64' }, opset: 4,
      attributes: {
        keys_tensor: attr.tensor(new DenseTensor('int32', [2], Int32Array.from([3, 5]))),
        values_tensor: attr.tensor(new DenseTensor('float64', [2], Float64Array.from([0.5, 1.5]))),
      },
    });
    expect(Array.from(out.y.data as Float64Array)).toEqual([0.5, -0, 1.5]);
    const nan = await runMl({ op: 'LabelEncoder', feeds: { x: f32([NaN, 1]) }, outputs: { y: 'int64' }, opset: 4, attributes: { keys_floats: attr.floats([NaN]), values_int64s: attr.ints([8]) } });
    expect(Array.from(nan.y.data as BigInt64Array)).toEqual([8n, -1n]);
  });

  it('rejects mismatched keys and values and an input of the wrong type', async () => {
    await expect(runMl({ op: 'LabelEncoder', feeds: { x: str(['a']) }, outputs: { y: 'int64' }, opset: 2, attributes: { keys_strings: attr.strings(['a', 'b']), values_int64s: attr.ints([1]) } }))
      .rejects.toThrow(/keys have 2 entries/);
    await expect(runMl({ op: 'LabelEncoder', feeds: { x: i64([1]) }, outputs: { y: 'int64' }, opset: 2, attributes: { keys_strings: attr.strings(['a']), values_int64s: attr.ints([1]) } }))
      .rejects.toThrow(/keys are string/);
  });
});
