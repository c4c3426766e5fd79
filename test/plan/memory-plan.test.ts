/** The static activation plan: reuse across lifetimes and in place, on the benchmark architectures. */
import { describe, expect, it } from 'vitest';
import { modelFromProto } from '../../src/ir/from-proto.js';
import { validateAndOrder } from '../../src/ir/validate.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { decodeModelProto } from '../../src/onnx/decode-model.js';
import { planActivationMemory } from '../../src/plan/memory-plan.js';
import { activationPlan } from '../../src/tools/activation-plan.js';
import { bertBase } from '../../src/tools/model-builder/architectures/bert-base.js';
import { resnet50 } from '../../src/tools/model-builder/architectures/resnet50.js';
import { buildModel } from '../support/model-builder.js';

const load = (bytes: Uint8Array) => modelFromProto(decodeModelProto(bytes));

describe('activation memory plan', () => {
  it('reuses a dead buffer, writes elementwise ops in place, keeps graph outputs', () => {
    const v = (name: string) => ({ name, type: 'float32' as const, shape: [256] });
    const model = load(buildModel({
      nodes: [
        { op: 'MatMul', inputs: ['x', 'x2'], outputs: ['a'] },
        { op: 'Relu', inputs: ['a'], outputs: ['b'] },
        { op: 'Neg', inputs: ['b'], outputs: ['c'] },
        { op: 'Add', inputs: ['c', 'x'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [256] }, { name: 'x2', type: 'float32', shape: [256, 256] }],
      outputs: [v('y')],
    }));
    const graph = { ...model.graph, valueInfo: new Map(['a', 'b', 'c', 'y'].map((n) => [n, { kind: 'tensor' as const, elementType: 'float32' as const, shape: [256] }])) };
    const plan = planActivationMemory(graph, validateAndOrder(graph));
    expect(plan.totalBytesWithoutReuse).toBe(4 * 1024);
    expect(plan.inPlace).toBe(3);
    expect(plan.peakBytes).toBe(1024);
  });

  it.each([
    ['ResNet-50', () => resnet50()],
    ['BERT-base (sequence 128)', () => bertBase({ sequenceLength: 128 })],
  ])('%s plans at most half the no-reuse sum', (_name, build) => {
    const plan = activationPlan(load(build()), defaultRegistry());
    expect(plan.unsizedValues).toBe(0);
    expect(plan.peakBytes).toBeGreaterThan(0);
    expect(plan.peakBytes).toBeLessThanOrEqual(0.5 * plan.totalBytesWithoutReuse);
  }, 300_000);
});
