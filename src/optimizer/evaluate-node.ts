/**
 * Nodes meeting their kernels ahead of time. evaluateNode runs one node on constant inputs,
 * as the executor would, for constant folding: anything that keeps it from giving tensors
 * right away (no kernel, an invalid node, a kernel that answers asynchronously, a non-tensor
 * output) gives undefined, and the node stays to report its own error when it runs.
 * kernelAccepts asks whether a node a fusion would create has a kernel that takes it.
 */
import { OnnxTsError } from '../errors/errors.js';
import type { Node } from '../ir/graph.js';
import { AttributeReader } from '../kernels/attributes.js';
import type { KernelContext, PlanTimeContext } from '../kernels/kernel.js';
import type { KernelRegistry } from '../kernels/registry.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import type { DataType } from '../tensor/element-type.js';

function noSubgraphs(): never {
  throw new OnnxTsError('constant folding does not run subgraphs');
}

function contextOf(node: Node, opset: number): PlanTimeContext {
  return { node: { name: node.name, opType: node.opType, domain: node.domain, opset }, opset, outputCount: node.outputs.length, subgraph: noSubgraphs };
}

/** A kernel serves `node` at `opset` for these input element types and accepts its attributes. */
export function kernelAccepts(node: Node, inputTypes: readonly (DataType | undefined)[], registry: KernelRegistry, opset: number | undefined): boolean {
  if (opset === undefined || !registry.has(node.domain, node.opType)) return false;
  try {
    const context = contextOf(node, opset);
    const kernel = registry.select(registry.candidates(context.node, opset), inputTypes, context.node);
    kernel.parseAttributes?.(new AttributeReader(node.attributes), context);
    return true;
  } catch {
    return false;
  }
}

export function evaluateNode(
  node: Node,
  inputs: readonly (DenseTensor | undefined)[],
  registry: KernelRegistry,
  opset: number,
): DenseTensor[] | undefined {
  const planTime = contextOf(node, opset);
  try {
    const kernel = registry.select(registry.candidates(planTime.node, opset), inputs.map((t) => t?.type), planTime.node);
    const attributes = kernel.parseAttributes?.(new AttributeReader(node.attributes), planTime);
    const runContext: KernelContext = { node: planTime.node, opset, runSubgraph: noSubgraphs };
    const result = kernel.run(inputs, attributes, runContext);
    if (!Array.isArray(result)) {
      result.catch(() => undefined);
      return undefined;
    }
    const outputs: DenseTensor[] = [];
    for (let i = 0; i < node.outputs.length; i++) {
      const value = result[i];
      if (node.outputs[i] === '') continue;
      if (!(value instanceof DenseTensor)) return undefined;
      outputs[i] = value;
    }
    return outputs;
  } catch {
    return undefined;
  }
}
