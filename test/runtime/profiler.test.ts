/** Profiling: one onnxruntime-schema trace event per executed node, written by endProfiling(). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { flopsOf, profileReport } from '../../src/tools/profile-report.js';
import { attr, buildModel, graph } from '../support/model-builder.js';

function convModel(): Uint8Array {
  const thenBranch = graph({ nodes: [{ op: 'Relu', inputs: ['conv_out'], outputs: ['r'], name: 'inner_relu' }], inputs: [], outputs: [{ name: 'r', type: 'float32' }] });
  const elseBranch = graph({ nodes: [{ op: 'Neg', inputs: ['conv_out'], outputs: ['n'], name: 'inner_neg' }], inputs: [], outputs: [{ name: 'n', type: 'float32' }] });
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['conv_out'], name: 'conv', attributes: { pads: attr.ints([1, 1, 1, 1]) } },
      { op: 'If', inputs: ['flag'], outputs: ['y'], attributes: { then_branch: attr.graph(thenBranch), else_branch: attr.graph(elseBranch) } },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [1, 2, 5, 5] }, { name: 'flag', type: 'bool', shape: [] }],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers: { w: new DenseTensor('float32', [3, 2, 3, 3], new Float32Array(54).fill(0.1)) },
  });
}

const feeds = () => ({ x: new Tensor('float32', new Float32Array(50).fill(1), [1, 2, 5, 5]), flag: new Tensor('bool', Uint8Array.of(1), []) });

describe('profiling', () => {
  it('records every executed node, subgraph nodes included, in onnxruntime event schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnxts-prof-'));
    const session = await InferenceSession.create(convModel(), { enableProfiling: true, profileFilePrefix: join(dir, 'trace') });
    await session.run(feeds());
    await session.run(feeds());
    const nodes = session.profilingEvents().filter((e) => e.cat === 'Node');
    expect(nodes.map((e) => e.name).sort()).toEqual([
      'If:y_kernel_time', 'If:y_kernel_time', 'conv_kernel_time', 'conv_kernel_time', 'inner_relu_kernel_time', 'inner_relu_kernel_time',
    ]);
    const conv = nodes.find((e) => e.name === 'conv_kernel_time')!;
    expect(conv).toMatchObject({ ph: 'X', cat: 'Node', args: { op_name: 'Conv', provider: 'CPUExecutionProvider' } });
    expect(conv.args.input_type_shape).toEqual([{ float: [1, 2, 5, 5] }, { float: [3, 2, 3, 3] }]);
    expect(conv.args.output_type_shape).toEqual([{ float: [1, 3, 5, 5] }]);
    expect(flopsOf(conv)).toBe(2 * 75 * 18);
    const path = session.endProfiling()!;
    expect(path.startsWith(join(dir, 'trace_'))).toBe(true);
    const written = JSON.parse(readFileSync(path, 'utf8')) as { name: string; cat: string }[];
    expect(written.filter((e) => e.cat === 'Node')).toHaveLength(6);
    expect(written.filter((e) => e.name === 'model_run')).toHaveLength(2);
    expect(written.filter((e) => e.name === 'session_initialization')).toHaveLength(1);
    expect(session.profilingEvents()).toEqual([]);
  });

  it('summarizes time by op type and node with shares that add up', async () => {
    const session = await InferenceSession.create(convModel());
    session.startProfiling();
    await session.run(feeds());
    const report = profileReport(session.profilingEvents());
    expect(report.runs).toBe(1);
    expect(report.byOpType.map((r) => r.opType).sort()).toEqual(['Conv', 'If', 'Relu']);
    expect(report.byOpType.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 5);
    expect(report.byNode.find((r) => r.name === 'conv')?.flops).toBe(2700);
  });

  it('onnxts profile writes a trace and prints the bottleneck table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnxts-prof-cli-'));
    const model = join(dir, 'model.onnx');
    writeFileSync(model, convModel());
    const trace = join(dir, 't.json');
    const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
    const run = spawnSync('node', [cli, 'profile', model, '--runs', '2', '--trace', trace], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/2 run\(s\)/);
    expect(run.stdout).toMatch(/%.*ms.*Conv/);
    expect((JSON.parse(readFileSync(trace, 'utf8')) as unknown[]).length).toBeGreaterThanOrEqual(6);
  });
});
