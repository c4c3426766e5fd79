/**
 * The three generality checks on a model-zoo architecture:
 * (a) onnxts matches onnxruntime-node at graphOptimizationLevel 'disabled' and 'all';
 * (b) the model saved by `onnxts optimize` (optimizeFile) loads in onnxruntime-node and gives
 *     the original's outputs there, with onnxruntime's optimizer off and on (and onnxts reloads it);
 * (c) a profiled run records exactly one Node event per step of the optimized plan, with the
 *     plan's op types; a node inside a Loop / If / Scan body has one event per time its body
 *     ran, so all nodes of one body have the same count (0 for an If branch not taken).
 * Tolerance rtol 1e-3 / atol 1e-4 throughout, as for the real models. The reference is
 * onnxruntime-node with its own optimizer off: its PadFusion folds a zero Pad into a following
 * MaxPool, which pads with -inf, and so changes tiny-YOLOv3's outputs at every level above
 * 'disabled' (keras2onnx exports ZeroPadding2D + MaxPool exactly so).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { optimizeFile } from '../../src/cli/commands/optimize.js';
import { InferenceSession, Tensor } from '../../src/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { subgraphsOf } from '../../src/ir/subgraphs.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { CompiledModel } from '../../src/runtime/compiled-model.js';
import { loadModel } from '../../src/runtime/load-model.js';
import { recipeTensors, type InputRecipe } from '../../src/tools/model-builder/input-recipe.js';
import * as ort from 'onnxruntime-node';
import { expectTensorsClose, type Tolerance } from './differential.js';

export const ZOO_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

export type Outputs = Record<string, { type: string; dims: readonly number[]; data: unknown }>;

export function zooFeeds(recipe: readonly InputRecipe[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const [name, t] of recipeTensors(recipe)) feeds[name] = new Tensor(t.type as Tensor.Type, t.data as never, t.dims);
  return feeds;
}

function expectSameOutputs(actual: Outputs, expected: Outputs, label: string, tolerance: Tolerance): void {
  expect(Object.keys(actual).sort(), `${label}: output names`).toEqual(Object.keys(expected).sort());
  for (const [name, e] of Object.entries(expected)) expectTensorsClose(actual[name], e, tolerance, `${label} '${name}'`);
}

type OrtLevel = 'disabled' | 'all';

async function runOnnxruntimeAt(model: Uint8Array, feeds: Record<string, Tensor>, level: OrtLevel): Promise<Outputs> {
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: level });
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type as ort.Tensor.Type, t.data as never, t.dims);
  const out = await session.run(ortFeeds);
  await session.release();
  return out as unknown as Outputs;
}

/** onnxruntime-node's outputs on the original model, its optimizer off: the reference for every check. */
export async function referenceOutputs(model: Uint8Array, feeds: Record<string, Tensor>): Promise<Outputs> {
  return runOnnxruntimeAt(model, feeds, 'disabled');
}

/** (a) */
export async function expectRunsLikeOnnxruntime(
  name: string, model: Uint8Array, feeds: Record<string, Tensor>, reference: Outputs, tolerance: Tolerance = ZOO_TOLERANCE,
): Promise<void> {
  for (const level of ['disabled', 'all'] as const) {
    const session = await InferenceSession.create(model, { graphOptimizationLevel: level });
    expectSameOutputs((await session.run(feeds)) as Outputs, reference, `${name} at level '${level}'`, tolerance);
    await session.release();
  }
}

/** (b) Returns the optimized bytes for further checks. */
export async function expectOptimizedModelRunsInOnnxruntime(
  name: string, model: Uint8Array, feeds: Record<string, Tensor>, reference: Outputs, tolerance: Tolerance = ZOO_TOLERANCE,
): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'onnxts-zoo-'));
  try {
    const input = join(dir, `${name}.onnx`);
    const output = join(dir, `${name}.opt.onnx`);
    writeFileSync(input, model);
    const report = await optimizeFile(input, output, { level: 'all', disable: [] });
    expect(report.externalData, `${name}: optimized weights stay inline`).toBeNull();
    const optimized = new Uint8Array(readFileSync(output));
    expectSameOutputs(await runOnnxruntimeAt(optimized, feeds, 'disabled'), reference, `${name} optimized, in onnxruntime-node`, ZOO_TOLERANCE);
    const originalAtAll = await runOnnxruntimeAt(model, feeds, 'all');
    expectSameOutputs(await runOnnxruntimeAt(optimized, feeds, 'all'), originalAtAll, `${name} optimized, in onnxruntime-node at level 'all'`, ZOO_TOLERANCE);
    const reloaded = await InferenceSession.create(optimized);
    expectSameOutputs((await reloaded.run(feeds)) as Outputs, reference, `${name} optimized, reloaded by onnxts`, tolerance);
    await reloaded.release();
    return optimized;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The trace event name the profiler gives a node. */
function eventName(node: { name: string; opType: string; outputs: readonly string[] }): string {
  return `${node.name || `${node.opType}:${node.outputs[0] ?? ''}`}_kernel_time`;
}

/** Every body graph nested in `graphs`, each with the event names of its own nodes. */
function bodies(graphs: readonly Graph[]): string[][] {
  return graphs.flatMap((g) => g.nodes.flatMap((n) => subgraphsOf(n).flatMap((body) => [body.nodes.map(eventName), ...bodies([body])])));
}

/** (c) */
export async function expectOneTraceEventPerPlannedNode(name: string, model: Uint8Array, feeds: Record<string, Tensor>): Promise<void> {
  const compiled = CompiledModel.compile(await loadModel({ bytes: model }), defaultRegistry());
  const session = await InferenceSession.create(model, { enableProfiling: true });
  await session.run(feeds);
  const events = session.profilingEvents().filter((e) => e.cat === 'Node');
  await session.release();
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  const main = compiled.plan.steps.map((s) => ({ name: eventName({ ...s.node, outputs: [s.node.output ?? ''] }), op: s.node.opType }));
  for (const step of main) expect(counts.get(step.name), `${name}: trace events of planned node ${step.name}`).toBe(1);
  const inner = bodies([compiled.model.graph]);
  for (const body of inner) {
    const ran = body.map((n) => counts.get(n) ?? 0);
    expect(new Set(ran).size, `${name}: events per node of one body (${body.join(', ')}): ${ran.join(', ')}`).toBeLessThanOrEqual(1);
  }
  const expected = main.length + inner.reduce((sum, body) => sum + body.reduce((n, node) => n + (counts.get(node) ?? 0), 0), 0);
  expect(events.length, `${name}: trace events beyond the planned nodes and their bodies`).toBe(expected);
  expect(events.filter((e) => main.some((m) => m.name === e.name)).map((e) => e.args.op_name as string).sort(), `${name}: op types`).toEqual(main.map((m) => m.op).sort());
}
