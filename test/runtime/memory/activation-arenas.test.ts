/**
 * The activation arena with test kernels that take their outputs from context.allocate: one
 * layout per input-shape signature reused without allocating, values that alias storage
 * (views, subarrays, sequences) keeping it alive, graph outputs never pointing into an arena,
 * and concurrent runs each with an arena of their own.
 */
import { describe, expect, it } from 'vitest';
import { modelFromProto } from '../../../src/ir/from-proto.js';
import { allocateOutput, kernel } from '../../../src/kernels/kernel.js';
import { KernelRegistry } from '../../../src/kernels/registry.js';
import { tensorInput } from '../../../src/kernels/support/inputs.js';
import { ModelProtoType } from '../../../src/onnx/proto-schema.js';
import type { ModelProto } from '../../../src/onnx/proto-types.js';
import type { ExecutionPlan } from '../../../src/plan/execution-plan.js';
import { planGraph } from '../../../src/plan/planner.js';
import { execute } from '../../../src/runtime/executor.js';
import { wasmGemmHeap } from '../../../src/backends/wasm/wasm-gemm.js';
import { ActivationArenas } from '../../../src/runtime/memory/activation-arenas.js';
import { layoutAllocations } from '../../../src/runtime/memory/activation-layout.js';
import { ArenaMemory, RecordingMemory } from '../../../src/runtime/memory/run-memory.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { SequenceValue, type Value } from '../../../src/tensor/value.js';
import { attr, modelProto } from '../../support/model-builder.js';

/** y = k * x, into storage from context.allocate. */
const scale = kernel<number>({
  domain: 'test', opType: 'Scale', sinceVersion: 1,
  parseAttributes: (attrs) => attrs.float('k', 1),
  run(inputs, k, context) {
    const x = tensorInput(inputs, 0);
    const y = allocateOutput(context, 'float32', x.dims);
    const xs = x.data as Float32Array;
    const ys = y.data as Float32Array;
    for (let i = 0; i < ys.length; i++) ys[i] = k * xs[i];
    return [y];
  },
});

const addSame = kernel({
  domain: 'test', opType: 'AddSame', sinceVersion: 1,
  run(inputs, _attrs, context) {
    const a = tensorInput(inputs, 0).data as Float32Array;
    const b = tensorInput(inputs, 1).data as Float32Array;
    const y = allocateOutput(context, 'float32', tensorInput(inputs, 0).dims);
    const ys = y.data as Float32Array;
    for (let i = 0; i < ys.length; i++) ys[i] = a[i] + b[i];
    return [y];
  },
});

/** Same storage, flattened: a Reshape. */
const view = kernel({
  domain: 'test', opType: 'View', sinceVersion: 1,
  run: (inputs) => [tensorInput(inputs, 0).reshaped([tensorInput(inputs, 0).size])],
});

/** The second half of the elements, as a subarray of the input's storage. */
const secondHalf = kernel({
  domain: 'test', opType: 'SecondHalf', sinceVersion: 1,
  run(inputs) {
    const x = tensorInput(inputs, 0);
    const half = x.size / 2;
    return [new DenseTensor('float32', [half], (x.data as Float32Array).subarray(half))];
  },
});

const wrap = kernel({
  domain: 'test', opType: 'Wrap', sinceVersion: 1,
  run: (inputs) => [new SequenceValue([tensorInput(inputs, 0)], 'float32')],
});

const unwrap = kernel({
  domain: 'test', opType: 'Unwrap', sinceVersion: 1,
  run: (inputs) => [(inputs[0] as SequenceValue).elements[0]],
});

/** Scale by 1 after a delay that depends on the input, so concurrent runs interleave. */
const slowCopy = kernel({
  domain: 'test', opType: 'SlowCopy', sinceVersion: 1,
  async run(inputs, _attrs, context) {
    const x = tensorInput(inputs, 0);
    await new Promise((r) => setTimeout(r, Math.abs((x.data as Float32Array)[0]) % 5));
    const y = allocateOutput(context, 'float32', x.dims);
    (y.data as Float32Array).set(x.data as Float32Array);
    return [y];
  },
});

/** Add as an elementwise op of the default domain, so its output may take over a dying input. */
const add = kernel({ ...addSame, domain: '', opType: 'Add' });

const registry = new KernelRegistry().register(scale, addSame, view, secondHalf, wrap, unwrap, slowCopy, add);

function planOf(nodes: { op: string; inputs: string[]; outputs: string[]; k?: number }[], outputs: string[], shape: (number | string)[] = ['n']): ExecutionPlan {
  const proto: ModelProto = modelProto({
    nodes: nodes.map((n) => ({ op: n.op, domain: n.op === 'Add' ? '' : 'test', inputs: n.inputs, outputs: n.outputs, attributes: n.k === undefined ? undefined : { k: attr.float(n.k) } })),
    inputs: [{ name: 'x', type: 'float32', shape }],
    outputs: outputs.map((name) => ({ name, type: 'float32' })),
    opsets: { '': 13, test: 1 },
  });
  const model = modelFromProto(ModelProtoType.decode(ModelProtoType.encode(ModelProtoType.fromObject(proto as never)).finish()) as never);
  return planGraph(model.graph, { registry, opsets: model.opsetImports });
}

async function run(arenas: ActivationArenas, plan: ExecutionPlan, x: DenseTensor): Promise<DenseTensor[]> {
  const feeds = new Map<number, Value>([[plan.inputs[0].slot, x]]);
  const lease = arenas.open([plan.inputs[0].slot], feeds);
  try {
    return (await execute(plan, feeds, { registry, memory: lease?.memory })) as DenseTensor[];
  } finally {
    lease?.close();
  }
}

function input(length: number, seed: number): DenseTensor {
  return new DenseTensor('float32', [length], Float32Array.from({ length }, (_, i) => ((i * 7 + seed * 13) % 23) - 11));
}

const values = (t: DenseTensor) => Array.from(t.data as Float32Array);
const times = (x: DenseTensor, k: number) => values(x).map((v) => Math.fround(k * v));

describe('activation arenas', () => {
  const chain = planOf([
    { op: 'Scale', inputs: ['x'], outputs: ['a'], k: 2 },
    { op: 'Scale', inputs: ['a'], outputs: ['b'], k: 3 },
    { op: 'Scale', inputs: ['b'], outputs: ['c'], k: 5 },
    { op: 'AddSame', inputs: ['c', 'x'], outputs: ['y'] },
  ], ['y']);

  it('reuses one arena across runs with the same shapes, allocating nothing new', async () => {
    const arenas = new ActivationArenas(() => undefined);
    for (let seed = 0; seed < 4; seed++) {
      const x = input(37, seed);
      const [y] = await run(arenas, chain, x);
      expect(values(y)).toEqual(values(x).map((v) => Math.fround(30 * v) + v));
    }
    // Run 1 records; runs 2-4 take a, b and c from the one arena and only y, a graph output, on its own.
    expect(arenas.stats).toMatchObject({ layouts: 1, arenas: 1, heapArenas: 0, fromArena: 9, onTheirOwn: 3 });
    // a and c share a range: b is the only one alive beside either.
    expect(arenas.stats).toMatchObject({ layoutBytes: 2 * 192, layoutBytesWithoutReuse: 3 * 192 });
  });

  it('lays out a new arena for new shapes', async () => {
    const arenas = new ActivationArenas(() => undefined);
    for (const length of [5, 5, 9, 9, 5]) {
      const x = input(length, length);
      const [y] = await run(arenas, chain, x);
      expect(values(y)).toEqual(values(x).map((v) => Math.fround(30 * v) + v));
    }
    expect(arenas.stats.layouts).toBe(2);
    expect(arenas.stats.arenas).toBe(2);
    expect(arenas.stats.fromArena).toBe(9);
  });

  it('keeps storage alive while a view, a subarray or a sequence of it is still read', async () => {
    const plan = planOf([
      { op: 'Scale', inputs: ['x'], outputs: ['a'], k: 2 },
      { op: 'View', inputs: ['a'], outputs: ['v'] },
      { op: 'Scale', inputs: ['x'], outputs: ['p'], k: 7 },
      { op: 'SecondHalf', inputs: ['p'], outputs: ['h'] },
      { op: 'Scale', inputs: ['x'], outputs: ['s'], k: 11 },
      { op: 'Wrap', inputs: ['s'], outputs: ['seq'] },
      { op: 'Scale', inputs: ['x'], outputs: ['b'], k: 3 },
      { op: 'Scale', inputs: ['b'], outputs: ['c'], k: 1 },
      { op: 'AddSame', inputs: ['v', 'c'], outputs: ['vc'] },
      { op: 'Unwrap', inputs: ['seq'], outputs: ['s2'] },
      { op: 'AddSame', inputs: ['vc', 's2'], outputs: ['y'] },
      { op: 'View', inputs: ['h'], outputs: ['h2'] },
      { op: 'Scale', inputs: ['h2'], outputs: ['z'], k: 1 },
    ], ['y', 'z']);
    const arenas = new ActivationArenas(() => undefined);
    for (let seed = 0; seed < 3; seed++) {
      const x = input(24, seed);
      const [y, z] = await run(arenas, plan, x);
      expect(values(y)).toEqual(values(x).map((v) => Math.fround(Math.fround(2 * v) + Math.fround(3 * v)) + Math.fround(11 * v)));
      expect(values(z)).toEqual(times(x, 7).slice(12));
    }
    // Replays: a, p, s, b, c and vc from the arena, with no range found still in use; y and z are outputs.
    expect(arenas.stats).toMatchObject({ fromArena: 12, onTheirOwn: 4 });
  });

  it('returns graph outputs that later runs do not overwrite, also when they feed other nodes', async () => {
    const plan = planOf([
      { op: 'Scale', inputs: ['x'], outputs: ['a'], k: 2 },
      { op: 'Scale', inputs: ['a'], outputs: ['b'], k: 3 },
      { op: 'Scale', inputs: ['b'], outputs: ['c'], k: 5 },
      { op: 'View', inputs: ['c'], outputs: ['cv'] },
      { op: 'Scale', inputs: ['cv'], outputs: ['d'], k: 1 },
    ], ['a', 'cv', 'd']);
    const arenas = new ActivationArenas(() => undefined);
    const kept: { x: DenseTensor; outputs: DenseTensor[] }[] = [];
    for (let seed = 0; seed < 4; seed++) {
      const x = input(16, seed);
      kept.push({ x, outputs: await run(arenas, plan, x) });
    }
    for (const { x, outputs: [a, cv, d] } of kept) {
      expect(values(a)).toEqual(times(x, 2));
      expect(values(cv)).toEqual(times(x, 30));
      expect(values(d)).toEqual(times(x, 30));
    }
    expect(arenas.stats.fromArena).toBe(3);
  });

  it('gives each of 8 concurrent runs its own arena', async () => {
    const plan = planOf([
      { op: 'Scale', inputs: ['x'], outputs: ['a'], k: 2 },
      { op: 'SlowCopy', inputs: ['a'], outputs: ['b'] },
      { op: 'SlowCopy', inputs: ['b'], outputs: ['c'] },
      { op: 'AddSame', inputs: ['c', 'x'], outputs: ['y'] },
    ], ['y']);
    const arenas = new ActivationArenas(() => undefined);
    await run(arenas, plan, input(33, 0));
    const xs = Array.from({ length: 8 }, (_, i) => input(33, i + 1));
    const results = await Promise.all(xs.map((x) => run(arenas, plan, x)));
    results.forEach(([y], i) => expect(values(y)).toEqual(values(xs[i]).map((v) => Math.fround(2 * v) + v)));
    expect(arenas.stats.arenas).toBe(8);
    expect(arenas.stats.fromArena).toBe(24);
  });

  it('puts arenas in the GEMM heap and keeps concurrent runs there apart', async () => {
    const plan = planOf([
      { op: 'Scale', inputs: ['x'], outputs: ['a'], k: 2 },
      { op: 'SlowCopy', inputs: ['a'], outputs: ['b'] },
      { op: 'SlowCopy', inputs: ['b'], outputs: ['c'] },
      { op: 'AddSame', inputs: ['c', 'x'], outputs: ['y'] },
    ], ['y']);
    const arenas = new ActivationArenas(wasmGemmHeap);
    await run(arenas, plan, input(20000, 0));
    const xs = Array.from({ length: 8 }, (_, i) => input(20000, i + 1));
    const results = await Promise.all(xs.map((x) => run(arenas, plan, x)));
    results.forEach(([y], i) => expect(values(y)).toEqual(values(xs[i]).map((v) => Math.fround(2 * v) + v)));
    if (wasmGemmHeap()) expect(arenas.stats.heapArenas).toBeGreaterThan(0);
    expect(results.every(([y]) => y.data.buffer !== wasmGemmHeap()?.buffer)).toBe(true);
    arenas.dispose();
  });

  it('keeps the layouts of the last 4 signatures and records an evicted one again', async () => {
    const arenas = new ActivationArenas(() => undefined);
    for (const length of [3, 4, 5, 6, 7, 3]) {
      const x = input(length, length);
      const [y] = await run(arenas, chain, x);
      expect(values(y)).toEqual(values(x).map((v) => Math.fround(30 * v) + v));
    }
    expect(arenas.stats.layouts).toBe(6);
    await run(arenas, chain, input(7, 1));
    expect(arenas.stats).toMatchObject({ layouts: 6, fromArena: 3 });
  });

  it('gives a released model no arena and later runs still compute', async () => {
    const arenas = new ActivationArenas(() => undefined);
    await run(arenas, chain, input(8, 1));
    arenas.dispose();
    const x = input(8, 2);
    const [y] = await run(arenas, chain, x);
    expect(values(y)).toEqual(values(x).map((v) => Math.fround(30 * v) + v));
    expect(arenas.stats.fromArena).toBe(0);
  });
});

describe('in-place elementwise outputs', () => {
  const plan = planOf([
    { op: 'Scale', inputs: ['x'], outputs: ['a'], k: 2 },
    { op: 'Scale', inputs: ['x'], outputs: ['b'], k: 3 },
    { op: 'Add', inputs: ['a', 'b'], outputs: ['s'] },
    { op: 'Scale', inputs: ['s'], outputs: ['t'], k: 5 },
    { op: 'Add', inputs: ['t', 's'], outputs: ['u'] },
    { op: 'Scale', inputs: ['t'], outputs: ['y'], k: 1 },
    { op: 'AddSame', inputs: ['y', 'u'], outputs: ['z'] },
  ], ['z']);

  it('writes an elementwise output over an input that dies there, and not over one read later', async () => {
    const memory = new RecordingMemory();
    const x = input(21, 4);
    const feeds = new Map<number, Value>([[plan.inputs[0].slot, x]]);
    await execute(plan, feeds, { registry, memory });
    memory.finish([]);
    const layout = memory.layout();
    expect(layout.rangeOf(2, 0)?.inPlace).toBe(true);
    expect([layout.rangeOf(0, 0)?.offset, layout.rangeOf(1, 0)?.offset]).toContain(layout.rangeOf(2, 0)?.offset);
    // u = t + s: s dies there, t is read by y later.
    expect(layout.rangeOf(4, 0)).toMatchObject({ inPlace: true, offset: layout.rangeOf(2, 0)?.offset });
    expect(layout.totalBytes).toBe(3 * 128);
  });

  it('computes the same with the in-place ranges on replay', async () => {
    const arenas = new ActivationArenas(() => undefined);
    for (let seed = 0; seed < 3; seed++) {
      const x = input(21, seed);
      const [z] = await run(arenas, plan, x);
      const s = values(x).map((v) => Math.fround(Math.fround(2 * v) + Math.fround(3 * v)));
      const t = s.map((v) => Math.fround(5 * v));
      expect(values(z)).toEqual(t.map((v, i) => Math.fround(v + Math.fround(v + s[i]))));
    }
    expect(arenas.stats).toMatchObject({ fromArena: 12, onTheirOwn: 2 });
  });
});

describe('arena layout and replay', () => {
  it('takes over an input in place only while every reference to it dies at the step', () => {
    const layout = layoutAllocations([
      { step: 0, ordinal: 0, bytes: 64, elements: 16, lastStep: 1 },
      { step: 1, ordinal: 0, bytes: 64, elements: 16, lastStep: 2, inPlaceOf: [0] },
    ]);
    expect(layout.rangeOf(1, 0)).toEqual({ offset: 0, bytes: 64, inPlace: true, index: 1 });
    // A broadcast operand of the same byte size (fewer, wider elements) is never overwritten in place.
    const broadcast = layoutAllocations([
      { step: 0, ordinal: 0, bytes: 64, elements: 8, lastStep: 1 },
      { step: 1, ordinal: 0, bytes: 64, elements: 16, lastStep: 2, inPlaceOf: [0] },
    ]);
    expect(broadcast.rangeOf(1, 0)?.inPlace).toBe(false);
    for (const dies of [true, false]) {
      const memory = new ArenaMemory(layout, { buffer: new ArrayBuffer(layout.totalBytes), base: 0 });
      memory.beginStep(0, false, []);
      const input = memory.allocate(0, 0, 'float32', [16]);
      memory.hold(input);
      memory.endStep(0);
      // Another slot holds the input too this time: it outlives the step.
      if (!dies) memory.hold(input);
      memory.beginStep(1, true, [input]);
      const output = memory.allocate(1, 0, 'float32', [16]);
      expect(output.data.buffer === input.data.buffer, `input dies: ${dies}`).toBe(dies);
    }
  });

  it('reuses the ranges of allocations no longer referred to, and places none that outlive the run', () => {
    const layout = layoutAllocations([
      { step: 0, ordinal: 0, bytes: 100, elements: 25, lastStep: 1 },
      { step: 1, ordinal: 0, bytes: 64, elements: 16, lastStep: 2 },
      { step: 2, ordinal: 0, bytes: 100, elements: 25, lastStep: 3 },
      { step: 2, ordinal: 1, bytes: 10, elements: 2, lastStep: Infinity },
      { step: 3, ordinal: 0, bytes: 64, elements: 16, lastStep: 3 },
    ]);
    expect(layout.rangeOf(0, 0)).toMatchObject({ offset: 0, bytes: 128 });
    expect(layout.rangeOf(1, 0)).toMatchObject({ offset: 128, bytes: 64 });
    expect(layout.rangeOf(2, 0)).toMatchObject({ offset: 0, bytes: 128 });
    expect(layout.rangeOf(2, 1)).toBeUndefined();
    expect(layout.rangeOf(3, 0)).toMatchObject({ offset: 128, bytes: 64 });
    expect(layout.totalBytes).toBe(192);
    expect(layout.placed).toBe(4);
  });

  it('serves an allocation on its own where its planned range is still referred to or too small', () => {
    // A layout that thinks step 0's storage is dead by step 1 (another branch taken this time).
    const layout = layoutAllocations([
      { step: 0, ordinal: 0, bytes: 64, elements: 16, lastStep: 0 },
      { step: 1, ordinal: 0, bytes: 64, elements: 16, lastStep: 1 },
    ]);
    const memory = new ArenaMemory(layout, { buffer: new ArrayBuffer(layout.totalBytes), base: 0 });
    const first = memory.allocate(0, 0, 'float32', [16]);
    memory.hold(first);
    memory.endStep(0);
    const second = memory.allocate(1, 0, 'float32', [16]);
    expect(second.data.buffer).not.toBe(first.data.buffer);
    const tooLarge = memory.allocate(1, 1, 'float32', [17]);
    expect(tooLarge.data.buffer).not.toBe(first.data.buffer);
    expect(memory.counts).toEqual({ fromArena: 1, onTheirOwn: 2 });
    const [out] = memory.finish([first]) as DenseTensor[];
    expect(out.data.buffer).not.toBe(first.data.buffer);
  });
});
