/**
 * ai.onnx operators that ONNX defines as functions run as their bodies when no kernel serves
 * them: inside subgraphs, nested (a body calling another function op), for empty tensors, and
 * only where the body can be built (a body that needs an input's element type needs it declared).
 */
import { describe, expect, it } from 'vitest';
import { KernelNotFoundError } from '../../src/errors/errors.js';
import type { Graph } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import type { KernelRegistry } from '../../src/kernels/registry.js';
import { CompiledModel } from '../../src/runtime/compiled-model.js';
import { loadModel } from '../../src/runtime/load-model.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { attr, buildModel, graph, singleNodeModel, type ModelSpec } from '../support/model-builder.js';
import { Rng, randomDense } from '../support/random.js';

async function compile(bytes: Uint8Array, registry: KernelRegistry): Promise<CompiledModel> {
  return CompiledModel.compile(await loadModel({ bytes }), registry, { graphOptimizationLevel: 'disabled' });
}

async function run(compiled: CompiledModel, feeds: readonly DenseTensor[]): Promise<DenseTensor[]> {
  const slots = new Map(compiled.plan.inputs.filter((i) => !i.defaultValue).map((input, k) => [input.slot, feeds[k]]));
  return (await compiled.run(slots)) as DenseTensor[];
}

function opTypes(g: Graph): string[] {
  return g.nodes.flatMap((n) => [n.opType, ...[...n.attributes.values()].flatMap((a) => (a.type === 'graph' ? opTypes(a.value) : []))]);
}

/** Runs the model with the kernels of `removed` and with every kernel; the outputs must agree. */
async function expectBodiesMatchKernels(bytes: Uint8Array, removed: string[], feeds: DenseTensor[], tolerance = 1e-6): Promise<CompiledModel> {
  const expanded = await compile(bytes, defaultRegistry().without('', removed));
  const viaKernels = await compile(bytes, defaultRegistry());
  for (const op of removed) expect(opTypes(expanded.model.graph)).not.toContain(op);
  const [got, want] = [await run(expanded, feeds), await run(viaKernels, feeds)];
  expect(got.map((t) => t.dims)).toEqual(want.map((t) => t.dims));
  got.forEach((t, i) => {
    const w = want[i].data as Float32Array;
    (t.data as Float32Array).forEach((v, j) => expect(Math.abs(v - w[j]), `output ${i} element ${j}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(w[j]))));
  });
  return expanded;
}

describe('standard function bodies in place of missing kernels', () => {
  it('expand inside an If branch, reading the enclosing graph', async () => {
    const rng = new Rng(3);
    const branch = (op: string, name: string) => graph({
      name, nodes: [{ op, inputs: ['x'], outputs: [`${name}_y`], attributes: op === 'Gelu' ? { approximate: attr.string('tanh') } : {} }],
      inputs: [], outputs: [{ name: `${name}_y`, type: 'float32' }],
    });
    const spec: ModelSpec = {
      nodes: [{ op: 'If', inputs: ['c'], outputs: ['y'], attributes: { then_branch: attr.graph(branch('Softsign', 'then')), else_branch: attr.graph(branch('Gelu', 'else')) } }],
      inputs: [{ name: 'c', type: 'bool', shape: [] }, { name: 'x', type: 'float32', shape: [3, 5, 7] }],
      outputs: [{ name: 'y', type: 'float32' }],
      opsets: { '': 20 },
    };
    const x = randomDense('float32', [3, 5, 7], rng);
    for (const c of [1, 0]) {
      const cond = new DenseTensor('bool', [], Uint8Array.of(c));
      await expectBodiesMatchKernels(buildModel(spec), ['Softsign', 'Gelu'], [cond, x]);
    }
  });

  it('expand a body that calls another function op (Mish calls Softplus), broadcasting odd shapes', async () => {
    const rng = new Rng(5);
    const bytes = singleNodeModel('Mish', [{ name: 'x', type: 'float32', shape: [1, 9, 13] }], [{ name: 'y', type: 'float32', shape: [1, 9, 13] }], { opset: 22 });
    const expanded = await expectBodiesMatchKernels(bytes, ['Mish', 'Softplus'], [randomDense('float32', [1, 9, 13], rng)]);
    expect(opTypes(expanded.model.graph)).toEqual(expect.arrayContaining(['Exp', 'Log', 'Tanh', 'Mul']));
  });

  it('produce empty outputs for empty inputs', async () => {
    const bytes = singleNodeModel('HardSwish', [{ name: 'x', type: 'float32', shape: [0, 3] }], [{ name: 'y', type: 'float32', shape: [0, 3] }], { opset: 22 });
    const [y] = await run(await compile(bytes, defaultRegistry().without('', ['HardSwish'])), [randomDense('float32', [0, 3], new Rng(1))]);
    expect(y.dims).toEqual([0, 3]);
  });

  it('run GroupNormalization-18 (per-group scale and bias) like its kernel, odd channel and spatial sizes', async () => {
    const rng = new Rng(9);
    const bytes = singleNodeModel(
      'GroupNormalization',
      [{ name: 'x', type: 'float32', shape: [2, 6, 5, 3] }, { name: 's', type: 'float32', shape: [3] }, { name: 'b', type: 'float32', shape: [3] }],
      [{ name: 'y', type: 'float32', shape: [2, 6, 5, 3] }],
      { opset: 18, attributes: { num_groups: attr.int(3), epsilon: attr.float(1e-3) } },
    );
    await expectBodiesMatchKernels(bytes, ['GroupNormalization'], [randomDense('float32', [2, 6, 5, 3], rng), randomDense('float32', [3], rng), randomDense('float32', [3], rng)], 1e-5);
  });

  it('draw Bernoulli samples that are 0 where p = 0 and 1 where p = 1, in dtype when given', async () => {
    const p = new DenseTensor('float32', [2, 3], Float32Array.of(0, 1, 0, 1, 1, 0));
    for (const [attributes, type] of [[{}, 'float32'], [{ dtype: attr.int(7), seed: attr.float(4) }, 'int64']] as const) {
      const bytes = singleNodeModel('Bernoulli', [{ name: 'p', type: 'float32', shape: [2, 3] }], [{ name: 'y', type, shape: [2, 3] }], { opset: 22, attributes });
      const [y] = await run(await compile(bytes, defaultRegistry().without('', ['Bernoulli'])), [p]);
      expect(y.type).toBe(type);
      expect(Array.from(y.data as ArrayLike<number | bigint>, Number)).toEqual([0, 1, 0, 1, 1, 0]);
    }
  });

  it('leave an op to its kernel when one serves the opset', async () => {
    const bytes = singleNodeModel('Softsign', [{ name: 'x', type: 'float32', shape: [4] }], [{ name: 'y', type: 'float32', shape: [4] }], { opset: 22 });
    expect(opTypes((await compile(bytes, defaultRegistry())).model.graph)).toEqual(['Softsign']);
  });

  it('build a type-dependent body (Range-27) only where the input type is declared', async () => {
    const scalar = (name: string) => ({ name, type: 'float32' as const, shape: [] });
    const value = (v: number) => new DenseTensor('float32', [], Float32Array.of(v));
    const declared = singleNodeModel('Range', [scalar('s'), scalar('l'), scalar('d')], [{ name: 'y', type: 'float32', shape: [null] }], { opset: 27 });
    await expectBodiesMatchKernels(declared, ['Range'], [value(1.5), value(9), value(0.75)]);
    const undeclared = buildModel({
      nodes: [{ op: 'Identity', inputs: ['s'], outputs: ['s2'] }, { op: 'Range', inputs: ['s2', 'l', 'd'], outputs: ['y'] }],
      inputs: [scalar('s'), scalar('l'), scalar('d')], outputs: [{ name: 'y', type: 'float32', shape: [null] }], opsets: { '': 27 },
    });
    await expect(compile(undeclared, defaultRegistry().without('', ['Range']))).rejects.toBeInstanceOf(KernelNotFoundError);
  });
});
