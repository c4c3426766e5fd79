/**
 * Weights at misaligned offsets of model bytes the runtime owns are moved onto aligned offsets
 * in place (over raw_data's own field header) instead of copied; bytes a caller passed are
 * never written. Either way every tensor must hold its original values.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { modelFromProto } from '../../src/ir/from-proto.js';
import { alignRawDataInPlace } from '../../src/onnx/align-raw-data.js';
import { decodeModelProto } from '../../src/onnx/decode-model.js';
import { DenseTensor, buildModel } from '../support/model-builder.js';
import { Rng, randomDense } from '../support/random.js';

const rng = new Rng(5150);

/** Initializers of every width, sizes under and over a one-byte length, names of every length mod 8 (so every offset mod 8). */
function weights(): Record<string, DenseTensor> {
  const out: Record<string, DenseTensor> = {};
  const sizes = [1, 3, 31, 32, 33, 1000, 4099];
  for (let i = 0; i < 24; i++) {
    const name = 'w'.repeat(1 + i);
    const size = sizes[i % sizes.length] + rng.int(0, 2);
    const type = (['float32', 'float64', 'int64', 'int32', 'float16'] as const)[i % 5];
    out[name] = randomDense(type, [size], rng);
  }
  return out;
}

function modelOf(initializers: Record<string, DenseTensor>): Uint8Array {
  const names = Object.keys(initializers);
  return buildModel({
    nodes: names.map((name) => ({ op: 'Identity', inputs: [name], outputs: [`${name}_out`] })),
    inputs: [],
    outputs: names.map((name) => ({ name: `${name}_out`, type: initializers[name].type })),
    initializers,
  });
}

describe('alignRawDataInPlace', () => {
  it('moves misaligned weights of owned bytes into place, every value kept, and views the rest', () => {
    const original = weights();
    const bytes = modelOf(original);
    const model = modelFromProto(decodeModelProto(bytes), new Map(), true);
    let viewed = 0;
    for (const [name, expected] of Object.entries(original)) {
      const got = model.graph.initializers.get(name)!;
      expect(Array.from(got.data as ArrayLike<number | bigint>), name).toEqual(Array.from(expected.data as ArrayLike<number | bigint>));
      if ((got.data as ArrayBufferView).buffer === bytes.buffer) viewed++;
    }
    // Every weight of 32 bytes or more has a header long enough to move over.
    const large = Object.values(original).filter((t) => (t.data as ArrayBufferView).byteLength >= 128).length;
    expect(viewed).toBeGreaterThanOrEqual(large);
  });

  it('leaves bytes it does not own untouched and copies misaligned weights', () => {
    const original = weights();
    const bytes = modelOf(original);
    const before = bytes.slice();
    const model = modelFromProto(decodeModelProto(bytes));
    expect(Buffer.compare(bytes, before)).toBe(0);
    for (const [name, expected] of Object.entries(original)) {
      expect(Array.from(model.graph.initializers.get(name)!.data as ArrayLike<number | bigint>), name).toEqual(Array.from(expected.data as ArrayLike<number | bigint>));
    }
  });

  it('refuses bytes not preceded by their raw_data header', () => {
    const buffer = new Uint8Array(64).fill(7);
    expect(alignRawDataInPlace(buffer.subarray(9, 9 + 40), 4)).toBeUndefined();
    expect(Array.from(buffer)).toEqual(Array.from({ length: 64 }, () => 7));
  });

  it('gives a session read from a file the outputs of one given the same bytes, which stay untouched', async () => {
    const original = weights();
    const bytes = modelOf(original);
    const before = bytes.slice();
    const path = join(mkdtempSync(join(tmpdir(), 'onnxts-align-')), 'model.onnx');
    writeFileSync(path, bytes);
    const fromFile = await InferenceSession.create(path);
    const fromBytes = await InferenceSession.create(bytes);
    const [a, b] = [await fromFile.run({}), await fromBytes.run({})];
    for (const [name, expected] of Object.entries(original)) {
      for (const out of [a, b]) expect(Array.from((out[`${name}_out`] as Tensor).data as ArrayLike<number | bigint>), name).toEqual(Array.from(expected.data as ArrayLike<number | bigint>));
    }
    expect(Buffer.compare(bytes, before)).toBe(0);
    await fromFile.release();
    await fromBytes.release();
  });
});
