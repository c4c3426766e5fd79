/**
 * The planner and executor on their own, with a registry of test kernels: slot liveness,
 * subgraphs reading outer-scope values, async kernels interleaving across concurrent runs.
 */
import { describe, expect, it } from 'vitest';
import { modelFromProto } from '../../src/ir/from-proto.js';
import { ModelProtoType } from '../../src/onnx/proto-schema.js';
import type { ModelProto } from '../../src/onnx/proto-types.js';
import { kernel, type SubgraphHandle } from '../../src/kernels/kernel.js';
import { KernelRegistry } from '../../src/kernels/registry.js';
import { mapBinary } from '../../src/kernels/support/elementwise.js';
import { tensorInput } from '../../src/kernels/support/inputs.js';
import { planGraph } from '../../src/plan/planner.js';
import { execute } from '../../src/runtime/executor.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import type { Value } from '../../src/tensor/value.js';
import { attr, graph, modelProto } from '../support/model-builder.js';

const add = kernel({
  domain: '', opType: 'Add', sinceVersion: 1,
  run: (inputs) => [mapBinary(tensorInput(inputs, 0), tensorInput(inputs, 1), { float: (a, b) => a + b })],
});

/** Waits `delay` ms (from input 1) and then adds 1: lets concurrent runs interleave. */
const slowIncrement = kernel({
  domain: 'test', opType: 'SlowIncrement', sinceVersion: 1,
  async run(inputs) {
    const x = tensorInput(inputs, 0);
    await new Promise((r) => setTimeout(r, Number((x.data as Float32Array)[0]) % 7));
    return [mapBinary(x, new DenseTensor('float32', [], new Float32Array([1])), { float: (a, b) => a + b })];
  },
});

/** Runs its `body` subgraph on its input: the smallest user of subgraph execution. */
const callBody = kernel<SubgraphHandle>({
  domain: 'test', opType: 'CallBody', sinceVersion: 1,
  parseAttributes: (attrs, ctx) => ctx.subgraph(attrs.requiredGraph('body')),
  run: (inputs, body, ctx) => ctx.runSubgraph(body, [inputs[0]]),
});

/** Outputs 1 where context.isConstant holds for its input, else 0. */
const constantProbe = kernel({
  domain: 'test', opType: 'ConstantProbe', sinceVersion: 1,
  run: (inputs, _attributes, ctx) => [scalar(ctx.isConstant?.(inputs[0] as Value) ? 1 : 0)],
});

const registry = new KernelRegistry().register(add, slowIncrement, callBody, constantProbe);
const scalar = (v: number) => new DenseTensor('float32', [], new Float32Array([v]));

function loadIr(proto: ModelProto) {
  return modelFromProto(ModelProtoType.decode(ModelProtoType.encode(ModelProtoType.fromObject(proto as never)).finish()) as never);
}

describe('planner', () => {
  it('drops each intermediate after its last reader and keeps graph outputs', () => {
    const model = loadIr(modelProto({
      nodes: [
        { op: 'Add', inputs: ['x', 'x'], outputs: ['a'] },
        { op: 'Add', inputs: ['a', 'x'], outputs: ['b'] },
        { op: 'Add', inputs: ['b', 'a'], outputs: ['c'] },
        { op: 'Add', inputs: ['c', 'c'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [] }, { name: 'b', type: 'float32', shape: [] }],
    }));
    const plan = planGraph(model.graph, { registry, opsets: model.opsetImports });
    const released = plan.steps.map((s) => Array.from(s.release, (slot) => plan.slotNames[slot]).sort());
    expect(released).toEqual([[], ['x'], ['a'], ['c']]);
  });
});

describe('executor', () => {
  it('runs a subgraph that reads a value of the enclosing graph', async () => {
    const body = graph({
      nodes: [{ op: 'Add', inputs: ['body_in', 'outer'], outputs: ['body_out'] }],
      inputs: [{ name: 'body_in', type: 'float32', shape: [] }],
      outputs: [{ name: 'body_out', type: 'float32', shape: [] }],
    });
    const model = loadIr(modelProto({
      nodes: [
        { op: 'Add', inputs: ['x', 'x'], outputs: ['outer'] },
        { op: 'CallBody', domain: 'test', inputs: ['x'], outputs: ['y'], attributes: { body: attr.graph(body) } },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [] }],
      opsets: { '': 13, test: 1 },
    }));
    const plan = planGraph(model.graph, { registry, opsets: model.opsetImports });
    const outerSlot = plan.slotNames.indexOf('outer');
    expect(plan.steps[0].release).not.toContain(outerSlot);
    const [y] = await execute(plan, new Map([[plan.inputs[0].slot, scalar(5)]]), { registry });
    expect(Array.from((y as DenseTensor).data as Float32Array)).toEqual([15]);
  });

  it('keeps concurrent runs of async kernels apart', async () => {
    const model = loadIr(modelProto({
      nodes: [
        { op: 'SlowIncrement', domain: 'test', inputs: ['x'], outputs: ['a'] },
        { op: 'SlowIncrement', domain: 'test', inputs: ['a'], outputs: ['b'] },
        { op: 'Add', inputs: ['b', 'x'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [] }],
      opsets: { '': 13, test: 1 },
    }));
    const plan = planGraph(model.graph, { registry, opsets: model.opsetImports });
    const runs = Array.from({ length: 16 }, (_, i) =>
      execute(plan, new Map<number, Value>([[plan.inputs[0].slot, scalar(i)]]), { registry }));
    const results = (await Promise.all(runs)).map(([y]) => ((y as DenseTensor).data as Float32Array)[0]);
    expect(results).toEqual(Array.from({ length: 16 }, (_, i) => 2 * i + 2));
  });

  it('lets a subgraph see the enclosing graph\'s constants as constants, and nothing else', async () => {
    const body = graph({
      nodes: [
        { op: 'ConstantProbe', domain: 'test', inputs: ['weight'], outputs: ['of_weight'] },
        { op: 'ConstantProbe', domain: 'test', inputs: ['body_in'], outputs: ['of_input'] },
        { op: 'ConstantProbe', domain: 'test', inputs: ['outer'], outputs: ['of_computed'] },
      ],
      inputs: [{ name: 'body_in', type: 'float32', shape: [] }],
      outputs: [
        { name: 'of_weight', type: 'float32', shape: [] },
        { name: 'of_input', type: 'float32', shape: [] },
        { name: 'of_computed', type: 'float32', shape: [] },
      ],
    });
    const callBodyOutputs = kernel<SubgraphHandle>({
      domain: 'test', opType: 'CallBodyAll', sinceVersion: 1,
      parseAttributes: (attrs, ctx) => ctx.subgraph(attrs.requiredGraph('body')),
      run: (inputs, handle, ctx) => ctx.runSubgraph(handle, [inputs[0]]),
    });
    const model = loadIr(modelProto({
      nodes: [
        { op: 'Add', inputs: ['x', 'x'], outputs: ['outer'] },
        { op: 'CallBodyAll', domain: 'test', inputs: ['x'], outputs: ['w', 'i', 'c'], attributes: { body: attr.graph(body) } },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [] }],
      outputs: ['w', 'i', 'c'].map((name) => ({ name, type: 'float32', shape: [] })),
      initializers: { weight: scalar(3) },
      opsets: { '': 13, test: 1 },
    }));
    const withCall = new KernelRegistry().register(add, constantProbe, callBodyOutputs);
    const plan = planGraph(model.graph, { registry: withCall, opsets: model.opsetImports });
    const outputs = await execute(plan, new Map([[plan.inputs[0].slot, scalar(5)]]), { registry: withCall });
    expect(outputs.map((v) => ((v as DenseTensor).data as Float32Array)[0])).toEqual([1, 0, 0]);
  });
});

/** Fails with a TypeError, synchronously or after a wait (input value 1: async). */
const failing = kernel({
  domain: 'test', opType: 'Fail', sinceVersion: 1,
  run(inputs) {
    const x = tensorInput(inputs, 0);
    if ((x.data as Float32Array)[0] === 1) return Promise.reject(new TypeError('async failure'));
    throw new TypeError('sync failure');
  },
});

describe('executor steps around async kernels', () => {
  const chain = () => loadIr(modelProto({
    nodes: [
      { op: 'Add', inputs: ['x', 'x'], outputs: ['a'], name: 'first' },
      { op: 'SlowIncrement', domain: 'test', inputs: ['a'], outputs: ['b'], name: 'slow1' },
      { op: 'Add', inputs: ['b', 'a'], outputs: ['c'], name: 'middle' },
      { op: 'SlowIncrement', domain: 'test', inputs: ['c'], outputs: ['d'], name: 'slow2' },
      { op: 'Add', inputs: ['d', 'x'], outputs: ['y'], name: 'last' },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [] }],
    outputs: [{ name: 'y', type: 'float32', shape: [] }],
    opsets: { '': 13, test: 1 },
  }));

  it('runs sync steps between async ones in order, and the observer sees each step once', async () => {
    const model = chain();
    const plan = planGraph(model.graph, { registry, opsets: model.opsetImports });
    const seen: string[] = [];
    let lastEnd = -Infinity;
    const observer = {
      onStep(step: { node: { name: string } }, _inputs: unknown, _outputs: unknown, start: number, end: number) {
        expect(start).toBeGreaterThanOrEqual(lastEnd);
        lastEnd = end;
        seen.push(step.node.name);
      },
    };
    const [y] = await execute(plan, new Map([[plan.inputs[0].slot, scalar(3)]]), { registry, observer: observer as never });
    // a = 6, b = 7, c = 13, d = 14, y = 17
    expect(((y as DenseTensor).data as Float32Array)[0]).toBe(17);
    expect(seen).toEqual(['first', 'slow1', 'middle', 'slow2', 'last']);
  });

  it.each([[0, 'sync failure'], [1, 'async failure']])('names the node whose kernel failed (input %i: %s)', async (value, message) => {
    const model = loadIr(modelProto({
      nodes: [
        { op: 'SlowIncrement', domain: 'test', inputs: ['x'], outputs: ['a'], name: 'before' },
        { op: 'Fail', domain: 'test', inputs: ['x'], outputs: ['y'], name: 'broken' },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [] }, { name: 'a', type: 'float32', shape: [] }],
      opsets: { '': 13, test: 1 },
    }));
    const withFail = new KernelRegistry().register(add, slowIncrement, failing);
    const plan = planGraph(model.graph, { registry: withFail, opsets: model.opsetImports });
    const run = execute(plan, new Map([[plan.inputs[0].slot, scalar(value)]]), { registry: withFail });
    await expect(run).rejects.toThrow(/broken/);
    await expect(run).rejects.toThrow(message);
  });
});

describe('subgraph walks', () => {
  /** Whether each call's runSubgraph gave the outputs at once (an array) or a promise. */
  const returnedAtOnce: boolean[] = [];
  const recordingCall = kernel<SubgraphHandle>({
    domain: 'test', opType: 'RecordingCall', sinceVersion: 1,
    parseAttributes: (attrs, ctx) => ctx.subgraph(attrs.requiredGraph('body')),
    run(inputs, body, ctx) {
      const outputs = ctx.runSubgraph(body, [inputs[0]]);
      returnedAtOnce.push(Array.isArray(outputs));
      return outputs;
    },
  });
  const subgraphRegistry = new KernelRegistry().register(add, slowIncrement, failing, recordingCall);

  /** y = RecordingCall(x) with a body of one `op` node on its input (named 'inner'), then y + x. */
  function callOf(op: string, domain = '') {
    const body = graph({
      nodes: [{ op, domain, inputs: op === 'Add' ? ['body_in', 'body_in'] : ['body_in'], outputs: ['body_out'], name: 'inner' }],
      inputs: [{ name: 'body_in', type: 'float32', shape: [] }],
      outputs: [{ name: 'body_out', type: 'float32', shape: [] }],
    });
    const model = loadIr(modelProto({
      nodes: [
        { op: 'RecordingCall', domain: 'test', inputs: ['x'], outputs: ['called'], attributes: { body: attr.graph(body) } },
        { op: 'Add', inputs: ['called', 'x'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [] }],
      opsets: { '': 13, test: 1 },
    }));
    return planGraph(model.graph, { registry: subgraphRegistry, opsets: model.opsetImports });
  }

  it.each([
    ['Add', '', true, 3 * 5],
    ['SlowIncrement', 'test', false, 2 * 5 + 1],
  ])('runs a body of %s (domain "%s"); outputs given at once (every kernel returned at once): %s', async (op, domain, atOnce, expected) => {
    returnedAtOnce.length = 0;
    const plan = callOf(op, domain);
    const [y] = await execute(plan, new Map([[plan.inputs[0].slot, scalar(5)]]), { registry: subgraphRegistry });
    expect(((y as DenseTensor).data as Float32Array)[0]).toBe(expected);
    expect(returnedAtOnce).toEqual([atOnce]);
  });

  it.each([[0, 'sync failure'], [1, 'async failure']])('names the body node whose kernel failed (input %i: %s)', async (value, message) => {
    const plan = callOf('Fail', 'test');
    const run = execute(plan, new Map([[plan.inputs[0].slot, scalar(value)]]), { registry: subgraphRegistry });
    await expect(run).rejects.toThrow(/inner/);
    await expect(run).rejects.toThrow(message);
  });
});
