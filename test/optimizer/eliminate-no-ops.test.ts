/** Pass-through eliminations: each fires where its node provably changes nothing, and only there. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type ModelSpec } from '../support/model-builder.js';
import { Rng, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

const X = { name: 'x', type: 'float32' as const, shape: [2, 3, 4] };
const Y = { name: 'y', type: 'float32' as const };
const ints = (...v: number[]) => new DenseTensor('int64', [v.length], BigInt64Array.from(v.map(BigInt)));
const INT64_MAX = 2n ** 63n - 1n;

/** x -> op -> Relu -> y, so the op's output is no graph output. */
function viaRelu(op: string, inputs: string[], extra: Partial<ModelSpec> & { attributes?: Record<string, ReturnType<typeof attr.int>> } = {}): Uint8Array {
  return buildModel({
    nodes: [
      { op, inputs, outputs: ['t'], attributes: extra.attributes },
      { op: 'Relu', inputs: ['t'], outputs: ['y'] },
    ],
    inputs: [X],
    outputs: [Y],
    initializers: extra.initializers,
    opsets: extra.opsets,
  });
}

async function expectFired(bytes: Uint8Array, pass: string, op: string, fired: boolean): Promise<void> {
  const result = optimize(bytes, { level: 'basic' });
  expect(result.fired.has(pass), `${pass} fired`).toBe(fired);
  expect(opCounts(result.model.graph)[op] ?? 0, `${op} nodes left`).toBe(fired ? 0 : 1);
  await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3, 4], new Rng(5)) });
}

describe('pass-through eliminations', () => {
  it('EliminateIdentity removes an Identity between nodes', () => expectFired(viaRelu('Identity', ['x']), 'EliminateIdentity', 'Identity', true));

  it('EliminateIdentity keeps an Identity from a graph input straight to a graph output (both names must stay)', async () => {
    const bytes = buildModel({ nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], inputs: [X], outputs: [Y] });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Identity: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3, 4], new Rng(1)) });
  });

  it('EliminateIdentity before a graph output renames the producer instead', async () => {
    const bytes = buildModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['t'] }, { op: 'Identity', inputs: ['t'], outputs: ['y'] }],
      inputs: [X], outputs: [Y],
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Relu: 1 });
    expect(result.model.graph.nodes[0].outputs).toEqual(['y']);
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3, 4], new Rng(2)) });
  });

  it('EliminateDropout removes inference Dropout whose mask nobody reads', () =>
    expectFired(viaRelu('Dropout', ['x'], { opsets: { '': 13 } }), 'EliminateDropout', 'Dropout', true));

  it('EliminateDropout keeps a Dropout whose mask is a graph output', async () => {
    const bytes = buildModel({
      nodes: [{ op: 'Dropout', inputs: ['x'], outputs: ['t', 'mask'] }, { op: 'Relu', inputs: ['t'], outputs: ['y'] }],
      inputs: [X], outputs: [Y, { name: 'mask', type: 'bool' }], opsets: { '': 13 },
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph).Dropout).toBe(1);
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3, 4], new Rng(3)) });
  });

  it('EliminateNoOpReshape removes a Reshape to the same shape (0 copies, -1 infers)', () =>
    expectFired(viaRelu('Reshape', ['x', 's'], { initializers: { s: ints(0, 3, -1) } }), 'EliminateNoOpReshape', 'Reshape', true));
  it('EliminateNoOpReshape keeps a Reshape that changes the shape', () =>
    expectFired(viaRelu('Reshape', ['x', 's'], { initializers: { s: ints(6, 4) } }), 'EliminateNoOpReshape', 'Reshape', false));

  it('EliminateNoOpTranspose removes an identity permutation', () =>
    expectFired(viaRelu('Transpose', ['x'], { attributes: { perm: attr.ints([0, 1, 2]) } }), 'EliminateNoOpTranspose', 'Transpose', true));
  it('EliminateNoOpTranspose keeps a real permutation', () =>
    expectFired(viaRelu('Transpose', ['x'], { attributes: { perm: attr.ints([0, 2, 1]) } }), 'EliminateNoOpTranspose', 'Transpose', false));

  it('EliminateNoOpCast removes a Cast to the type the value has', () =>
    expectFired(viaRelu('Cast', ['x'], { attributes: { to: attr.int(1) } }), 'EliminateNoOpCast', 'Cast', true));
  it('EliminateNoOpCast keeps a Cast that changes the type', async () => {
    const bytes = buildModel({
      nodes: [{ op: 'Cast', inputs: ['x'], outputs: ['t'], attributes: { to: attr.int(6) } }, { op: 'Relu', inputs: ['t'], outputs: ['y'] }],
      inputs: [X], outputs: [{ name: 'y', type: 'int32' }],
    });
    const result = optimize(bytes, { level: 'basic' });
    expect(opCounts(result.model.graph).Cast).toBe(1);
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3, 4], new Rng(4)) });
  });

  it('EliminateNoOpExpand removes an Expand the input already covers', () =>
    expectFired(viaRelu('Expand', ['x', 's'], { initializers: { s: ints(3, 1) } }), 'EliminateNoOpExpand', 'Expand', true));
  it('EliminateNoOpExpand keeps an Expand that broadcasts', () =>
    expectFired(viaRelu('Expand', ['x', 's'], { initializers: { s: ints(2, 2, 3, 4) } }), 'EliminateNoOpExpand', 'Expand', false));

  it('EliminateNoOpSlice removes a Slice from 0 to the end', () =>
    expectFired(viaRelu('Slice', ['x', 'st', 'en'], {
      initializers: { st: ints(0, 0), en: new DenseTensor('int64', [2], BigInt64Array.of(INT64_MAX, 3n)) },
    }), 'EliminateNoOpSlice', 'Slice', true));
  it('EliminateNoOpSlice keeps a Slice that drops elements', () =>
    expectFired(viaRelu('Slice', ['x', 'st', 'en'], { initializers: { st: ints(1), en: ints(3) } }), 'EliminateNoOpSlice', 'Slice', false));

  it('EliminateNoOpPad removes all-zero pads', () =>
    expectFired(viaRelu('Pad', ['x', 'p'], { initializers: { p: ints(0, 0, 0, 0, 0, 0) } }), 'EliminateNoOpPad', 'Pad', true));
  it('EliminateNoOpPad keeps real padding', () =>
    expectFired(viaRelu('Pad', ['x', 'p'], { initializers: { p: ints(0, 1, 0, 0, 1, 0) } }), 'EliminateNoOpPad', 'Pad', false));
});
