/** FuseHardSigmoid: Clip(x + 3, 0, 6) / 6 written out, alone and times x (then HardSwish), in the forms exporters write. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

const SHAPE = [2, 5, 7];
const scalar = (v: number, dims: number[] = []) => new DenseTensor('float32', dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(v));
const feeds = () => ({ x: randomTensor('float32', SHAPE, new Rng(31), -5, 5) });

interface Spec {
  readonly three?: DenseTensor;
  readonly six?: number;
  readonly opset?: number;
  readonly extraOutputs?: string[];
}

/** Add(x, 3) -> Clip(0, 6) -> `tail`, with Clip's bounds as inputs (opset 11+) or attributes (before). */
function model(tail: NodeSpec[], spec: Spec = {}): Uint8Array {
  const opset = spec.opset ?? 17;
  const six = spec.six ?? 6;
  const clip: NodeSpec = opset >= 11
    ? { op: 'Clip', inputs: ['a', 'zero', 'six_bound'], outputs: ['g'] }
    : { op: 'Clip', inputs: ['a'], outputs: ['g'], attributes: { min: attr.float(0), max: attr.float(six) } };
  return buildModel({
    nodes: [{ op: 'Add', inputs: ['x', 'three'], outputs: ['a'] }, clip, ...tail],
    inputs: [{ name: 'x', type: 'float32', shape: SHAPE }],
    outputs: [{ name: 'y', type: 'float32' }, ...(spec.extraOutputs ?? []).map((name) => ({ name, type: 'float32' as const }))],
    initializers: {
      three: spec.three ?? scalar(3), six: scalar(6), sixth: scalar(1 / 6),
      ...(opset >= 11 ? { zero: scalar(0), six_bound: scalar(six) } : {}),
    },
    opsets: { '': opset },
  });
}

async function expectFused(bytes: Uint8Array, counts: Record<string, number>): Promise<void> {
  const result = optimize(bytes);
  expect(result.fired.get('FuseHardSigmoid'), 'FuseHardSigmoid fired').toBe(1);
  expect(opCounts(result.model.graph)).toEqual(counts);
  await expectSameOutputs(bytes, result.bytes, feeds());
}

async function expectUntouched(bytes: Uint8Array): Promise<void> {
  const result = optimize(bytes);
  expect(result.fired.has('FuseHardSigmoid'), 'FuseHardSigmoid fired').toBe(false);
  expect(opCounts(result.model.graph).Clip).toBe(1);
  await expectSameOutputs(bytes, result.bytes, feeds());
}

const divBySix: NodeSpec[] = [{ op: 'Div', inputs: ['g', 'six'], outputs: ['y'] }];
const swishForms: [string, NodeSpec[]][] = [
  ['(x * Clip) / 6', [{ op: 'Mul', inputs: ['x', 'g'], outputs: ['m'] }, { op: 'Div', inputs: ['m', 'six'], outputs: ['y'] }]],
  ['(Clip * x) * (1/6)', [{ op: 'Mul', inputs: ['g', 'x'], outputs: ['m'] }, { op: 'Mul', inputs: ['sixth', 'm'], outputs: ['y'] }]],
  ['x * (Clip / 6)', [{ op: 'Div', inputs: ['g', 'six'], outputs: ['h'] }, { op: 'Mul', inputs: ['x', 'h'], outputs: ['y'] }]],
  ['(Clip * (1/6)) * x', [{ op: 'Mul', inputs: ['g', 'sixth'], outputs: ['h'] }, { op: 'Mul', inputs: ['h', 'x'], outputs: ['y'] }]],
];

describe('FuseHardSigmoid', () => {
  it('fuses Clip(x + 3, 0, 6) / 6 into HardSigmoid(x, 1/6, 1/2)', () => expectFused(model(divBySix), { HardSigmoid: 1 }));
  it('fuses Clip(x + 3) * (1/6) with Clip bounds as attributes (opset 9)', () =>
    expectFused(model([{ op: 'Mul', inputs: ['sixth', 'g'], outputs: ['y'] }], { opset: 9 }), { HardSigmoid: 1 }));

  for (const [label, tail] of swishForms) {
    it(`makes ${label} one HardSwish (opset 14+)`, () => expectFused(model(tail), { HardSwish: 1 }));
    it(`makes ${label} x * HardSigmoid(x) below opset 14`, () => expectFused(model(tail, { opset: 11 }), { HardSigmoid: 1, Mul: 1 }));
  }

  it('leaves another offset, another upper bound and another divisor alone', async () => {
    await expectUntouched(model(divBySix, { three: scalar(2) }));
    await expectUntouched(model(divBySix, { six: 5 }));
    await expectUntouched(model(divBySix, { six: 5, opset: 9 }));
    await expectUntouched(model([{ op: 'Div', inputs: ['g', 'three'], outputs: ['y'] }]));
  });

  it('leaves the pattern alone when an intermediate value has another reader', async () => {
    await expectUntouched(model(divBySix, { extraOutputs: ['g'] }));
    await expectUntouched(model(divBySix, { extraOutputs: ['a'] }));
    const product = model(swishForms[0][1], { extraOutputs: ['m'] });
    const result = optimize(product);
    expect(result.fired.has('FuseHardSigmoid')).toBe(false);
    await expectSameOutputs(product, result.bytes, feeds());
  });

  it('leaves a 3 that broadcasts x to a larger rank alone', async () => {
    const bytes = model(divBySix, { three: scalar(3, [1, 1, 1, 1]) });
    await expectUntouched(bytes);
  });
});
