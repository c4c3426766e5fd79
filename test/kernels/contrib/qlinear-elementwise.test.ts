import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { constant, integerConstant, RANGES, scales } from '../quant/quant-data.js';
import { expectMatchesOrt, runNode, type Operand } from '../quant/quant-model.js';

function feed(type: DataType, dims: number[], rng: Rng): Operand {
  const [lo, hi] = RANGES[type]!;
  return { feed: new Tensor(type as Tensor.Type, integerConstant(type, dims, rng, lo, hi).data as never, dims) };
}

/** Every code of the type once, in a [16, 16] tensor. */
function allCodes(type: DataType): Operand {
  const [lo] = RANGES[type]!;
  return { constant: constant(type, [16, 16], Array.from({ length: 256 }, (_, i) => lo + i)) };
}

const scale = (rng: Rng): Operand => ({ constant: constant('float32', [], scales(1, rng, false)) });
const zeroPoint = (type: DataType, rng: Rng): Operand => ({ constant: integerConstant(type, [], rng, type === 'uint8' ? 90 : -40, type === 'uint8' ? 170 : 40) });

const BROADCASTS: [number[], number[]][] = [[[3, 4, 5], [3, 4, 5]], [[2, 3, 4], [4]], [[3, 1, 5], [1, 4, 1]], [[6, 7], []], [[], [5, 2]], [[37], [37]]];

describe.each(['QLinearAdd', 'QLinearMul'])('%s against onnxruntime', (op) => {
  for (const type of ['uint8', 'int8'] as DataType[]) {
    it.each(BROADCASTS)(`${type} %j with %j`, async (a, b) => {
      const rng = new Rng(a.length * 10 + b.length + (op === 'QLinearAdd' ? 0 : 50));
      for (let trial = 0; trial < 4; trial++) {
        const inputs: Operand[] = [feed(type, a, rng), scale(rng), zeroPoint(type, rng), feed(type, b, rng), scale(rng), zeroPoint(type, rng), scale(rng), zeroPoint(type, rng)];
        await expectMatchesOrt({ op, domain: 'com.microsoft', inputs, outputs: [type] }, `trial ${trial}`);
      }
    });
  }

  it('takes absent input zero points as 0 (onnxruntime fails type inference on them)', async () => {
    const inputs: Operand[] = [
      { constant: constant('int8', [3], [1, 2, -3]) }, { constant: constant('float32', [], [0.5]) }, undefined,
      { constant: constant('int8', [3], [4, -6, 8]) }, { constant: constant('float32', [], [0.25]) }, undefined,
      { constant: constant('float32', [], [0.5]) }, { constant: constant('int8', [], [1]) },
    ];
    const out = (await runNode({ op, domain: 'com.microsoft', inputs, outputs: ['int8'] })).out0;
    // Add: 0.5 * [1, 2, -3] + 0.25 * [4, -6, 8] = [1.5, -0.5, 0.5]; Mul: [0.5, -1.5, -3]; both / 0.5 + 1.
    expect(Array.from(out.data as Int8Array)).toEqual(op === 'QLinearAdd' ? [4, 0, 2] : [2, -2, -5]);
  });
});

describe('QLinearSigmoid and QLinearLeakyRelu against onnxruntime', () => {
  for (const type of ['uint8', 'int8'] as DataType[]) {
    it(`${type}: every input code`, async () => {
      const rng = new Rng(type.length);
      for (let trial = 0; trial < 5; trial++) {
        // Input scales wide enough to reach the sigmoid's flat ends; output scales that fit (0, 1) or clip it.
        const xScale: Operand = { constant: constant('float32', [], [Math.fround(rng.uniform(0.01, 0.1))]) };
        const yScale: Operand = { constant: constant('float32', [], [Math.fround(rng.uniform(0.002, 0.01))]) };
        const inputs: Operand[] = [allCodes(type), xScale, zeroPoint(type, rng), yScale, zeroPoint(type, rng)];
        await expectMatchesOrt({ op: 'QLinearSigmoid', domain: 'com.microsoft', inputs, outputs: [type] }, `sigmoid trial ${trial}`);
        const alpha = { alpha: attr.float(rng.uniform(0.01, 0.5)) };
        const leakyInputs: Operand[] = [allCodes(type), xScale, zeroPoint(type, rng), scale(rng), zeroPoint(type, rng)];
        await expectMatchesOrt({ op: 'QLinearLeakyRelu', domain: 'com.microsoft', inputs: leakyInputs, outputs: [type], attributes: alpha }, `leaky relu trial ${trial}`);
      }
    });
  }

  it('leaky relu uses alpha 0.01 by default', async () => {
    const inputs: Operand[] = [
      { constant: constant('int8', [3], [-100, 0, 50]) }, { constant: constant('float32', [], [1]) }, undefined,
      { constant: constant('float32', [], [0.5]) },
    ];
    const out = (await runNode({ op: 'QLinearLeakyRelu', domain: 'com.microsoft', inputs, outputs: ['int8'] })).out0;
    expect(Array.from(out.data as Int8Array)).toEqual([-2, 0, 100]);
  });
});
