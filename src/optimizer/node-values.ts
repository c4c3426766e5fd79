/**
 * Reading what a rewrite needs from a node: attributes of the expected type (undefined on a
 * mismatch, so a malformed node is simply not rewritten and the kernel reports it at run time)
 * and the values of constant inputs.
 */
import type { Attribute, Node } from '../ir/graph.js';
import { computeValues } from '../kernels/support/numeric.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import type { GraphIndex } from './graph-index.js';

export function intAttribute(node: Node, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a?.type === 'int' ? a.value : fallback;
}

export function floatAttribute(node: Node, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a?.type === 'float' ? a.value : fallback;
}

export function stringAttribute(node: Node, name: string, fallback: string): string {
  const a = node.attributes.get(name);
  return a?.type === 'string' ? a.value : fallback;
}

export function intsAttribute(node: Node, name: string): readonly number[] | undefined {
  const a = node.attributes.get(name);
  return a?.type === 'ints' ? a.value : undefined;
}

export function floatsAttribute(node: Node, name: string): readonly number[] | undefined {
  const a = node.attributes.get(name);
  return a?.type === 'floats' ? a.value : undefined;
}

export function stringAttributeOf(value: string): Attribute {
  return { type: 'string', value, bytes: new TextEncoder().encode(value) };
}

/** A tensor's elements as numbers (int64 through Number, encoded floats decoded); undefined for strings. */
export function numbersOf(tensor: DenseTensor): number[] | undefined {
  if (tensor.type === 'string' || tensor.type === 'complex64' || tensor.type === 'complex128') return undefined;
  const values = computeValues(tensor) as ArrayLike<number | bigint>;
  const numbers = new Array<number>(values.length);
  // A plain loop: Array.from with a mapping function is several times slower on typed arrays.
  for (let i = 0; i < values.length; i++) numbers[i] = Number(values[i]);
  return numbers;
}

/** The elements of input `i` when it is a constant (an omitted input gives undefined). */
export function constantNumbers(node: Node, i: number, index: GraphIndex): number[] | undefined {
  const name = node.inputs[i];
  const tensor = name ? index.constant(name) : undefined;
  return tensor ? numbersOf(tensor) : undefined;
}

/** The single value of a constant input holding one element. */
export function constantScalar(node: Node, i: number, index: GraphIndex): number | undefined {
  const values = constantNumbers(node, i, index);
  return values?.length === 1 ? values[0] : undefined;
}

/**
 * A list that moved from an attribute to an input at some opset (axes, pads, split, starts...):
 * the attribute before `inputSince`, the constant input from it on. `missing` marks "not given"
 * as opposed to "not known" (undefined).
 */
export function attributeOrInput(
  node: Node,
  index: GraphIndex,
  opset: number,
  spec: { attribute: string; input: number; inputSince: number },
): number[] | 'missing' | undefined {
  if (opset < spec.inputSince) {
    const values = intsAttribute(node, spec.attribute);
    return values ? [...values] : 'missing';
  }
  if (!node.inputs[spec.input]) return 'missing';
  return constantNumbers(node, spec.input, index);
}
