/**
 * Helpers for optimizer tests: bytes <-> IR, optimizing built models, counting ops, and the
 * differential check (the optimized model, run by onnxruntime-node and by onnxts, against
 * onnxruntime-node on the original).
 */
import { expect } from 'vitest';
import { InferenceSession, type Tensor } from '../../src/index.js';
import { modelFromProto } from '../../src/ir/from-proto.js';
import type { Graph, Model } from '../../src/ir/graph.js';
import { modelToProto } from '../../src/ir/to-proto.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import type { KernelDefinition } from '../../src/kernels/kernel.js';
import { KernelRegistry } from '../../src/kernels/registry.js';
import { decodeModelProto } from '../../src/onnx/decode-model.js';
import { encodeModelProto } from '../../src/onnx/encode.js';
import { modelForOnnxruntime } from '../../src/optimizer/export-for-onnxruntime.js';
import { optimizeModel, type OptimizeOptions, type OptimizeResult } from '../../src/optimizer/optimize-model.js';
import { subgraphsOf } from '../../src/ir/subgraphs.js';
import { FLOAT32_TOLERANCE, expectTensorsClose, runOnnxruntime, type Tolerance } from '../support/differential.js';

export function irOf(bytes: Uint8Array): Model {
  return modelFromProto(decodeModelProto(bytes));
}

export function bytesOf(model: Model): Uint8Array {
  return encodeModelProto(modelToProto(model).proto);
}

/** The bytes saving writes: fused nodes onnxruntime lacks go back to standard ops. */
export function savedBytesOf(model: Model): Uint8Array {
  return bytesOf(modelForOnnxruntime(model));
}

export interface Optimized extends OptimizeResult {
  /** As saved (savedBytesOf). */
  readonly bytes: Uint8Array;
}

export function optimize(bytes: Uint8Array, options: Partial<OptimizeOptions> = {}): Optimized {
  const result = optimizeModel(irOf(bytes), { level: 'all', registry: defaultRegistry(), ...options });
  return { ...result, bytes: savedBytesOf(result.model) };
}

/** Op counts of the main graph, keyed 'Conv' for ai.onnx and 'com.microsoft:FusedConv' otherwise. */
export function opCounts(graph: Graph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of graph.nodes) {
    const key = n.domain === '' ? n.opType : `${n.domain}:${n.opType}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * The default registry plus stand-ins for ops it lacks (e.g. 'com.microsoft:FusedConv'), so a
 * fusion that checks the registry fires; models using the stand-ins are checked in onnxruntime only.
 */
export function registryServing(...ops: string[]): KernelRegistry {
  const base = defaultRegistry();
  const extra = new KernelRegistry().register(...ops.map((op): KernelDefinition => {
    const [domain, opType] = op.includes(':') ? op.split(':') : ['', op];
    return { domain, opType, sinceVersion: 1, run: () => { throw new Error(`${op} is a test stand-in`); } };
  }));
  const registry = Object.create(base) as KernelRegistry;
  registry.has = (domain, opType) => extra.has(domain, opType) || base.has(domain, opType);
  registry.candidates = (node, opset) => (base.has(node.domain, node.opType) ? base.candidates(node, opset) : extra.candidates(node, opset));
  return registry;
}

/** The default registry with some ops taken out, to check that fusions into them do not fire. */
export function registryWithout(...ops: string[]): KernelRegistry {
  const base = defaultRegistry();
  const removed = new Set(ops.map((op) => (op.includes(':') ? op : `:${op}`)));
  const registry = Object.create(base) as KernelRegistry;
  registry.has = (domain, opType) => !removed.has(`${domain}:${opType}`) && base.has(domain, opType);
  return registry;
}

/** Whether the default registry has a kernel for every op of the model, subgraphs included. */
export function runsInOnnxts(model: Model): boolean {
  const registry = defaultRegistry();
  const check = (graph: Graph): boolean => graph.nodes.every((n) => registry.has(n.domain, n.opType) && subgraphsOf(n).every(check));
  return check(model.graph);
}

/** onnxruntime on the optimized bytes, and onnxts where it has every kernel, agree with onnxruntime on the original. */
export async function expectSameOutputs(
  original: Uint8Array,
  optimized: Uint8Array,
  feeds: Record<string, Tensor>,
  tol: Tolerance = FLOAT32_TOLERANCE,
): Promise<void> {
  const expected = await runOnnxruntime(original, feeds);
  const fromOrt = await runOnnxruntime(optimized, feeds);
  expect(Object.keys(fromOrt).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, e] of Object.entries(expected)) expectTensorsClose(fromOrt[name], e, tol, `onnxruntime on the optimized model: '${name}'`);
  if (!runsInOnnxts(irOf(optimized))) return;
  const session = await InferenceSession.create(optimized, { graphOptimizationLevel: 'disabled' });
  const ours = (await session.run(feeds)) as Record<string, Tensor>;
  for (const [name, e] of Object.entries(expected)) expectTensorsClose(ours[name], e, tol, `onnxts on the optimized model: '${name}'`);
}
