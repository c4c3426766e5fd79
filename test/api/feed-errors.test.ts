/** Bad feeds and fetches get errors that name the input and what was expected. */
import { describe, expect, it } from 'vitest';
import { InferenceSession, InvalidFeedError, Tensor } from '../../src/index.js';
import { affineReluModel, overridableInitializerModel, twoInputModel } from './fixtures.js';

async function feedError(session: InferenceSession, feeds: Record<string, unknown>, fetches?: string[]): Promise<string> {
  const error = await session.run(feeds as never, fetches as never).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe('run() feed checks', () => {
  const a = () => new Tensor('float32', new Float32Array(6), [2, 3]);
  const n = () => new Tensor('int64', new BigInt64Array(3), [3]);

  it('names a missing input and its type', async () => {
    const s = await InferenceSession.create(twoInputModel());
    expect(await feedError(s, { a: a() })).toMatch(/input 'n' is missing.*int64\[3\]/);
  });

  it('names an unknown input and lists the real ones', async () => {
    const s = await InferenceSession.create(twoInputModel());
    expect(await feedError(s, { a: a(), n: n(), b: a() })).toMatch(/'b'.*not an input.*a, n/);
  });

  it('names a wrong element type', async () => {
    const s = await InferenceSession.create(twoInputModel());
    const msg = await feedError(s, { a: a(), n: new Tensor('int32', new Int32Array(3), [3]) });
    expect(msg).toMatch(/input 'n' expects element type int64, got int32/);
  });

  it('names a wrong rank', async () => {
    const s = await InferenceSession.create(twoInputModel());
    const msg = await feedError(s, { a: new Tensor('float32', new Float32Array(6), [6]), n: n() });
    expect(msg).toMatch(/input 'a' expects rank 2 \(shape \[2,3\]\), got rank 1/);
  });

  it('names a dimension that contradicts the fixed one', async () => {
    const s = await InferenceSession.create(twoInputModel());
    const msg = await feedError(s, { a: new Tensor('float32', new Float32Array(6), [3, 2]), n: n() });
    expect(msg).toMatch(/input 'a' expects dimension 0 to be 2.*got 3/);
  });

  it('checks symbolic dims against freeDimensionOverrides', async () => {
    const s = await InferenceSession.create(affineReluModel(), { freeDimensionOverrides: { batch: 2 } });
    const msg = await feedError(s, { x: new Tensor('float32', new Float32Array(12), [3, 4]) });
    expect(msg).toMatch(/'batch'.*is 3.*'batch' is 2 by freeDimensionOverrides/);
  });

  it('refuses data whose length does not match dims', async () => {
    const s = await InferenceSession.create(twoInputModel());
    const fake = { type: 'float32', data: new Float32Array(5), dims: [2, 3] };
    expect(await feedError(s, { a: fake, n: n() })).toMatch(/size\(6\) does not match data length\(5\)/);
    expect(() => new Tensor('float32', new Float32Array(5), [2, 3])).toThrow(/does not match/);
  });

  it('refuses a feed that is not a tensor', async () => {
    const s = await InferenceSession.create(twoInputModel());
    expect(await feedError(s, { a: [1, 2, 3], n: n() })).toMatch(/input 'a' expects a tensor/);
    expect(await feedError(s, { a: 'hello', n: n() })).toMatch(/input 'a' expects a tensor \(float32\[2,3\]\), got a string/);
  });

  it('names an unknown fetch', async () => {
    const s = await InferenceSession.create(twoInputModel());
    const msg = await feedError(s, { a: a(), n: n() }, ['abs_a', 'missing']);
    expect(msg).toMatch(/'missing', which is not an output.*abs_a, neg_n/);
  });

  it('throws typed errors', async () => {
    const s = await InferenceSession.create(twoInputModel());
    await expect(s.run({ a: a() } as never)).rejects.toBeInstanceOf(InvalidFeedError);
  });

  it('lets a feed override an initializer that is also a graph input', async () => {
    const s = await InferenceSession.create(overridableInitializerModel());
    const x = new Tensor('float32', new Float32Array([1, 2]), [2]);
    const bias = new Tensor('float32', new Float32Array([100, 200]), [2]);
    expect(Array.from((await s.run({ x, bias })).y.data as Float32Array)).toEqual([101, 202]);
    expect(Array.from((await s.run({ x })).y.data as Float32Array)).toEqual([11, 22]);
  });

  it('stops a run whose options say terminate', async () => {
    const s = await InferenceSession.create(affineReluModel());
    const x = new Tensor('float32', new Float32Array(4), [1, 4]);
    await expect(s.run({ x }, { terminate: true, tag: 'job-7' })).rejects.toThrow(/'job-7' was terminated/);
  });
});
