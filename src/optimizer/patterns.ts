/**
 * Small questions fusions ask while matching a pattern: is this node that op, what is a
 * binary node's other operand, is a value a constant scalar close to some number, can the
 * registry run the node a fusion would create.
 */
import type { Node } from '../ir/graph.js';
import { kernelAccepts } from './evaluate-node.js';
import type { GraphIndex } from './graph-index.js';
import type { GraphScope } from './graph-pass.js';
import { numbersOf } from './node-values.js';

/** `node` is the ai.onnx (or `domain`) op `opType`. */
export function isOp(node: Node | undefined, opType: string, domain = ''): node is Node {
  return node !== undefined && node.opType === opType && node.domain === domain;
}

/** The other operand of a two-input node one of whose inputs is `name`; undefined if neither or both are. */
export function otherInput(node: Node, name: string): string | undefined {
  if (node.inputs.length !== 2) return undefined;
  const [a, b] = node.inputs;
  if (a === name && b !== name) return b;
  if (b === name && a !== name) return a;
  return undefined;
}

/** The single value of a constant holding one element. */
export function scalarValue(index: GraphIndex, name: string | undefined): number | undefined {
  const tensor = name ? index.constant(name) : undefined;
  if (!tensor || tensor.size !== 1) return undefined;
  return numbersOf(tensor)?.[0];
}

/** A constant scalar within a relative 1e-4 of `target` (exporters round constants like sqrt(2)). */
export function isScalarNear(index: GraphIndex, name: string | undefined, target: number): boolean {
  const value = scalarValue(index, name);
  return value !== undefined && Math.abs(value - target) <= 1e-4 * Math.max(1, Math.abs(target));
}

/** The only reader of `name` when it is the op `opType` (and nothing else uses the value). */
export function onlyConsumerOp(index: GraphIndex, name: string, opType: string): Node | undefined {
  const node = index.onlyConsumer(name);
  return isOp(node, opType) ? node : undefined;
}

/**
 * Whether the registry runs `node`, a node a fusion would create, at the model's opset for its
 * domain (a com.microsoft import is added at version 1 when missing): a fusion must not
 * create nodes nothing can run.
 */
export function registryRuns(node: Node, index: GraphIndex, scope: GraphScope): boolean {
  const opset = scope.opsets.get(node.domain) ?? (node.domain === 'com.microsoft' ? 1 : undefined);
  return kernelAccepts(node, node.inputs.map((name) => (name ? index.elementType(name) : undefined)), scope.registry, opset);
}
