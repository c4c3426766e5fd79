import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { Rng } from '../../support/random.js';
import { expectMatchesOrt, runNode, type NodeCase } from './quant-model.js';

function dynamicQuantize(values: Float32Array, dims: number[]): NodeCase {
  return { op: 'DynamicQuantizeLinear', opset: 11, inputs: [{ feed: new Tensor('float32', values, dims) }], outputs: ['uint8', 'float32', 'uint8'] };
}

describe('DynamicQuantizeLinear', () => {
  it.each([[-3, 5], [0.5, 4], [-7, -0.25], [-1e-3, 1e-3]])('matches onnxruntime on values in [%d, %d)', async (lo, hi) => {
    const rng = new Rng(Math.round(hi * 100));
    const values = Float32Array.from({ length: 200 }, () => rng.uniform(lo, hi));
    await expectMatchesOrt(dynamicQuantize(values, [8, 25]), `[${lo}, ${hi})`);
  });

  it('gives scale 1 and zero point 0 for an all-zero input, as onnxruntime does', async () => {
    const c = dynamicQuantize(new Float32Array(6), [2, 3]);
    await expectMatchesOrt(c, 'zeros');
    const [y, scale, zeroPoint] = Object.values(await runNode(c));
    expect(Array.from(y.data as Uint8Array)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(scale.data[0]).toBe(1);
    expect(zeroPoint.data[0]).toBe(0);
  });
});
