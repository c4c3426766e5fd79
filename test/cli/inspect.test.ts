import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { KernelRegistry } from '../../src/kernels/registry.js';
import { encodeModelProto } from '../../src/onnx/encode.js';
import { loadModel } from '../../src/runtime/load-model.js';
import { formatModelSummary } from '../../src/tools/format-model-summary.js';
import { summarizeModel, type ModelSummary } from '../../src/tools/model-summary.js';
import { attr, DenseTensor, graph, modelProto, node, singleNodeModel } from '../support/model-builder.js';
import { checkBuilt, runCli } from './support/cli-process.js';

/**
 * y = Custom(If(cond) { Relu(x) } else { Abs(Neg(x)) } + w), z = MyFn(x, x); MyFn (a local
 * function) is Add; w is an initializer, and so is `bias`, which is also a graph input.
 */
function richModel(): Uint8Array {
  const proto = modelProto({
    nodes: [
      {
        op: 'If', inputs: ['cond'], outputs: ['branch'], attributes: {
          then_branch: attr.graph(graph({ name: 'then', nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['t'] }], inputs: [], outputs: [{ name: 't', type: 'float32' }] })),
          else_branch: attr.graph(graph({
            name: 'else',
            nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['n'] }, { op: 'Abs', inputs: ['n'], outputs: ['e'] }],
            inputs: [], outputs: [{ name: 'e', type: 'float32' }],
          })),
        },
      },
      { op: 'Add', inputs: ['branch', 'w'], outputs: ['sum'] },
      { op: 'Add', inputs: ['sum', 'bias'], outputs: ['biased'] },
      { op: 'Custom', domain: 'com.example', inputs: ['biased'], outputs: ['y'] },
      { op: 'MyFn', domain: 'local', inputs: ['x', 'x'], outputs: ['z'] },
    ],
    inputs: [
      { name: 'x', type: 'float32', shape: ['batch', 3] },
      { name: 'cond', type: 'bool', shape: [] },
      { name: 'bias', type: 'int64', shape: [2] },
    ],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', null] }, { name: 'z', type: 'float32' }],
    initializers: {
      w: new DenseTensor('float32', [2, 3], new Float32Array(6)),
      bias: new DenseTensor('int64', [2], new BigInt64Array(2)),
    },
    opsets: { 'com.example': 1, local: 1 },
  });
  proto.producer_version = '1.2.3';
  proto.functions = [{
    name: 'MyFn', domain: 'local', input: ['a', 'b'], output: ['c'],
    node: [node({ op: 'Add', inputs: ['a', 'b'], outputs: ['c'] })], opset_import: [{ domain: '', version: 17 }],
  }];
  return encodeModelProto(proto);
}

async function summaryOf(bytes: Uint8Array, registry = defaultRegistry()): Promise<ModelSummary> {
  return summarizeModel(await loadModel({ bytes }), registry);
}

describe('summarizeModel', () => {
  it('reports producer, versions, interface and weights', async () => {
    const s = await summaryOf(richModel());
    expect(s.producer).toEqual({ name: 'onnxts-tests', version: '1.2.3' });
    expect(s.irVersion).toBe(8);
    expect(s.opsets).toEqual([
      { domain: 'ai.onnx', version: 17 }, { domain: 'com.example', version: 1 }, { domain: 'local', version: 1 },
    ]);
    expect(s.functions).toEqual([{ domain: 'local', name: 'MyFn', inputs: ['a', 'b'], outputs: ['c'], nodes: 1 }]);
    expect(s.inputs).toEqual([
      { name: 'x', type: 'float32[batch,3]', elementType: 'float32', shape: ['batch', 3] },
      { name: 'cond', type: 'bool[]', elementType: 'bool', shape: [] },
    ]);
    expect(s.outputs).toEqual([
      { name: 'y', type: 'float32[batch,?]', elementType: 'float32', shape: ['batch', null] },
      { name: 'z', type: 'float32[?]', elementType: 'float32', shape: null },
    ]);
    expect(s.initializers).toEqual({ count: 2, parameters: 8, bytes: 6 * 4 + 2 * 8, overridable: 1 });
  });

  it('counts ops in the graph, in subgraphs and in functions, and checks kernels', async () => {
    const s = await summaryOf(richModel());
    const byOp = new Map(s.ops.map((o) => [o.op, o]));
    expect(byOp.get('ai.onnx:Add')).toMatchObject({ domain: 'ai.onnx', opType: 'Add', count: 2, inSubgraphs: 0, inFunctions: 1, kernel: true });
    expect(byOp.get('ai.onnx:Relu')).toMatchObject({ count: 0, inSubgraphs: 1, kernel: true });
    expect(byOp.get('ai.onnx:Abs')).toMatchObject({ count: 0, inSubgraphs: 1 });
    expect(byOp.get('ai.onnx:Neg')).toMatchObject({ count: 0, inSubgraphs: 1 });
    expect(byOp.get('ai.onnx:If')).toMatchObject({ count: 1, inSubgraphs: 0 });
    expect(byOp.get('com.example:Custom')).toMatchObject({ count: 1, kernel: false, localFunction: false });
    expect(byOp.get('local:MyFn')).toMatchObject({ count: 1, kernel: false, localFunction: true });
    expect(s.ops[0].op).toBe('ai.onnx:Add');
    expect(s.nodes).toEqual({ graph: 5, subgraphs: 3, functions: 1 });
    expect(s.unsupportedOps).toEqual(['com.example:Custom']);
  });

  it('takes kernel support from the registry it is given', async () => {
    const s = await summaryOf(singleNodeModel('Relu', [{ name: 'x', type: 'float32', shape: [2] }], [{ name: 'y', type: 'float32', shape: [2] }]), new KernelRegistry());
    expect(s.ops).toEqual([{ op: 'ai.onnx:Relu', domain: 'ai.onnx', opType: 'Relu', count: 1, inSubgraphs: 0, inFunctions: 0, kernel: false, localFunction: false }]);
    expect(s.unsupportedOps).toEqual(['ai.onnx:Relu']);
  });

  it('formats as text', async () => {
    const text = formatModelSummary(await summaryOf(richModel()), 'rich.onnx');
    expect(text).toContain('model:        rich.onnx\n');
    expect(text).toContain('producer:     onnxts-tests 1.2.3\n');
    expect(text).toContain('opsets:       ai.onnx 17, com.example 1, local 1\n');
    expect(text).toContain('functions:    local:MyFn (1 node)\n');
    expect(text).toMatch(/inputs:\n {2}x {5}float32\[batch,3\]\n {2}cond {2}bool\[\]\n/);
    expect(text).toContain('initializers: 2 (8 parameters, 40 B, 1 also graph inputs)\n');
    expect(text).toContain('nodes:        5 (+ 3 in subgraphs, 1 in functions)\n');
    expect(text).toMatch(/\n {7}3 {2}ai\.onnx:Add {9}\(1 in functions\)\n/);
    expect(text).toMatch(/\n {7}1 {2}ai\.onnx:Relu {8}\(1 in subgraphs\)\n/);
    expect(text).toMatch(/\n {7}1 {2}com\.example:Custom {2}NO KERNEL\n/);
    expect(text).toMatch(/\n {7}1 {2}local:MyFn {10}local function\n/);
    expect(text).toContain('unsupported:  com.example:Custom\n');
  });
});

describe('onnxts inspect (child process)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'onnxts-inspect-'));
  const model = join(folder, 'rich.onnx');
  beforeAll(() => {
    checkBuilt();
    writeFileSync(model, richModel());
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('prints the summary as text', () => {
    const result = runCli(['inspect', model]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`model:        ${model}\n`);
    expect(result.stdout).toContain('unsupported:  com.example:Custom\n');
  });

  it('prints JSON that parses', () => {
    const result = runCli(['inspect', model, '--json']);
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as ModelSummary & { model: string };
    expect(parsed.model).toBe(model);
    expect(parsed.unsupportedOps).toEqual(['com.example:Custom']);
    expect(parsed.initializers.parameters).toBe(8);
    expect(parsed.inputs.map((i) => i.name)).toEqual(['x', 'cond']);
  });

  it('has help text', () => {
    const result = runCli(['inspect', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: onnxts inspect [options] <model>');
    expect(result.stdout).toContain('--json');
  });

  it('fails with a message for a file that is not a model', () => {
    const bad = join(folder, 'bad.onnx');
    writeFileSync(bad, '<html>nope</html>');
    const result = runCli(['inspect', bad]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^onnxts: .*bad\.onnx/);
    expect(runCli(['inspect', join(folder, 'missing.onnx')]).stderr).toMatch(/^onnxts: cannot read model .*missing\.onnx.*: no such file\n$/);
  });
});
