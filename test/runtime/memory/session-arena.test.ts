/**
 * The activation arena through InferenceSession: a model whose MatMul results flow into If,
 * Loop and Scan bodies and out again, run with the branch and trip count changing between
 * runs of the same input shapes, gives exactly what the same session without an arena gives,
 * also for outputs kept from earlier runs; the session options turn the arena off; and the
 * wasm GEMM writes MatMul results in place once the arena is there.
 */
import { describe, expect, it } from 'vitest';
import { wasmGemmTraffic } from '../../../src/backends/wasm/wasm-gemm.js';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { Rng } from '../../support/random.js';
import { attr, buildModel, graph } from '../../support/model-builder.js';

const rng = new Rng(11);
const floats = (length: number) => Float32Array.from({ length }, () => rng.uniform(-1, 1));
const weight = (dims: number[]) => new DenseTensor('float32', dims, floats(dims.reduce((a, b) => a * b, 1)));

function controlFlowModel(): Uint8Array {
  const thenBranch = graph({
    name: 'then',
    nodes: [{ op: 'Identity', inputs: ['mm'], outputs: ['then_out'] }],
    inputs: [],
    outputs: [{ name: 'then_out', type: 'float32', shape: [9, 40] }],
  });
  const elseBranch = graph({
    name: 'else',
    nodes: [{ op: 'Add', inputs: ['mm', 'mm'], outputs: ['else_out'] }],
    inputs: [],
    outputs: [{ name: 'else_out', type: 'float32', shape: [9, 40] }],
  });
  const loopBody = graph({
    name: 'loop',
    nodes: [
      { op: 'Identity', inputs: ['cond_in'], outputs: ['cond_out'] },
      { op: 'Add', inputs: ['v', 'z'], outputs: ['v_out'] },
      { op: 'Identity', inputs: ['v'], outputs: ['v_seen'] },
    ],
    inputs: [{ name: 'iter', type: 'int64', shape: [] }, { name: 'cond_in', type: 'bool', shape: [] }, { name: 'v', type: 'float32', shape: [9, 24] }],
    outputs: [{ name: 'cond_out', type: 'bool', shape: [] }, { name: 'v_out', type: 'float32', shape: [9, 24] }, { name: 'v_seen', type: 'float32', shape: [9, 24] }],
  });
  const scanBody = graph({
    name: 'scan',
    nodes: [
      { op: 'Add', inputs: ['s', 'row'], outputs: ['s_out'] },
      { op: 'Identity', inputs: ['row'], outputs: ['row_out'] },
    ],
    inputs: [{ name: 's', type: 'float32', shape: [40] }, { name: 'row', type: 'float32', shape: [40] }],
    outputs: [{ name: 's_out', type: 'float32', shape: [40] }, { name: 'row_out', type: 'float32', shape: [40] }],
  });
  return buildModel({
    nodes: [
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['mm'] },
      { op: 'If', inputs: ['cond'], outputs: ['chosen'], attributes: { then_branch: attr.graph(thenBranch), else_branch: attr.graph(elseBranch) } },
      { op: 'MatMul', inputs: ['chosen', 'W2'], outputs: ['z'] },
      { op: 'Loop', inputs: ['trips', '', 'z'], outputs: ['loop_v', 'loop_seen'], attributes: { body: attr.graph(loopBody) } },
      { op: 'Scan', inputs: ['s0', 'chosen'], outputs: ['scan_s', 'scan_rows'], attributes: { body: attr.graph(scanBody), num_scan_inputs: attr.int(1) } },
      { op: 'MatMul', inputs: ['loop_v', 'W3'], outputs: ['t1'] },
      { op: 'MatMul', inputs: ['t1', 'W4'], outputs: ['tail'] },
    ],
    inputs: [
      { name: 'x', type: 'float32', shape: [9, 33] },
      { name: 'cond', type: 'bool', shape: [] },
      { name: 'trips', type: 'int64', shape: [] },
    ],
    outputs: ['chosen', 'z', 'loop_v', 'loop_seen', 'scan_s', 'scan_rows', 'tail'].map((name) => ({ name, type: 'float32' as const })),
    initializers: { W: weight([33, 40]), W2: weight([40, 24]), W3: weight([24, 31]), W4: weight([31, 17]), s0: weight([40]) },
  });
}

// The first run (which records the layout) takes the else branch: mm dies at the If there, but
// aliases a graph output in later runs that take the then branch.
const RUNS = [
  { cond: false, trips: 3 }, { cond: true, trips: 2 }, { cond: true, trips: 0 }, { cond: false, trips: 1 }, { cond: true, trips: 2 },
];

async function runAll(session: InferenceSession): Promise<Record<string, Float32Array>[]> {
  const results = [];
  for (const [i, { cond, trips }] of RUNS.entries()) {
    const x = new Tensor('float32', Float32Array.from({ length: 9 * 33 }, (_, j) => Math.sin(j + 10 * i)), [9, 33]);
    const outputs = await session.run({ x, cond: new Tensor('bool', new Uint8Array([+cond]), []), trips: new Tensor('int64', BigInt64Array.from([BigInt(trips)]), []) });
    results.push(Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, (t as Tensor).data as Float32Array])));
  }
  return results;
}

describe('activation arena in a session', () => {
  const model = controlFlowModel();

  it('gives the results of a session without it, through If, Loop and Scan, and leaves earlier outputs alone', async () => {
    const withArena = await runAll(await InferenceSession.create(model));
    const without = await runAll(await InferenceSession.create(model, { enableCpuMemArena: false }));
    expect(withArena.length).toBe(RUNS.length);
    withArena.forEach((outputs, run) => {
      for (const [name, data] of Object.entries(without[run])) expect(Array.from(outputs[name]), `run ${run} output ${name}`).toEqual(Array.from(data));
    });
  });

  it('lets the GEMM write MatMul results in place with the arena on, and not with either option off', async () => {
    const inPlace = async (options: InferenceSession.SessionOptions) => {
      const session = await InferenceSession.create(model, options);
      const before = wasmGemmTraffic()?.operandsInPlace ?? 0;
      await runAll(session);
      await session.release();
      return (wasmGemmTraffic()?.operandsInPlace ?? 0) - before;
    };
    expect(await inPlace({ enableCpuMemArena: false })).toBe(0);
    expect(await inPlace({ enableMemPattern: false })).toBe(0);
    if (wasmGemmTraffic()) expect(await inPlace({})).toBeGreaterThan(0);
  });
});
