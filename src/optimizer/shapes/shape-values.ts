/**
 * The elements of small integer tensors that describe shapes (Shape -> Gather -> Concat ->
 * Reshape chains), followed through the graph so a Reshape to "batch, seq, 12, 64" gets that
 * shape even when batch and seq are symbolic.
 */
import type { Node } from '../../ir/graph.js';
import type { Dim } from '../../ir/value-type.js';
import { intAttribute } from '../node-values.js';
import { dimProduct, normalizeAxis } from './dims.js';
import { listArgument, numbersIn, type ShapeInput } from './shape-rule.js';

/** Vectors longer than this are not followed: shape vectors are short. */
export const MAX_TRACKED_ELEMENTS = 64;

/** Shape's [start, end) range of `dims` (opset 15: negative bounds count from the back, then clamp). */
export function shapeRange(dims: readonly Dim[], node: Node): Dim[] {
  const clamp = (bound: number): number => Math.min(Math.max(bound < 0 ? bound + dims.length : bound, 0), dims.length);
  const start = clamp(intAttribute(node, 'start', 0));
  const end = clamp(intAttribute(node, 'end', dims.length));
  return dims.slice(start, Math.max(start, end));
}

type ValueRule = (node: Node, inputs: readonly ShapeInput[], opset: number) => Dim[] | undefined;

const passElements: ValueRule = (_node, inputs) => (inputs[0]?.elements ? [...inputs[0].elements] : undefined);

function arithmetic(op: (a: number, b: number) => number, identity: number): ValueRule {
  return (_node, inputs) => {
    const a = inputs[0]?.elements;
    const b = inputs[1]?.elements;
    if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return undefined;
    const length = Math.max(a.length, b.length);
    return Array.from({ length }, (_, i) => {
      const x = a[a.length === 1 ? 0 : i];
      const y = b[b.length === 1 ? 0 : i];
      if (typeof x === 'number' && typeof y === 'number') {
        const result = op(x, y);
        return Number.isSafeInteger(result) ? result : undefined;
      }
      return y === identity ? x : undefined;
    });
  };
}

function sliceElements(elements: readonly Dim[], start: number, end: number, step: number): Dim[] | undefined {
  const n = elements.length;
  if (step === 0) return undefined;
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const from = step > 0 ? clamp(start < 0 ? start + n : start, 0, n) : clamp(start < 0 ? start + n : start, 0, n - 1);
  const to = step > 0 ? clamp(end < 0 ? end + n : end, 0, n) : clamp(end < 0 ? end + n : end, -1, n - 1);
  const out: Dim[] = [];
  for (let i = from; step > 0 ? i < to : i > to; i += step) out.push(elements[i]);
  return out;
}

const VALUE_RULES = new Map<string, ValueRule>([
  ['Shape', (node, inputs) => {
    const shape = inputs[0]?.type?.shape;
    return shape ? shapeRange(shape, node) : undefined;
  }],
  ['Size', (_node, inputs) => {
    const shape = inputs[0]?.type?.shape;
    return shape ? [dimProduct(shape)] : undefined;
  }],
  ['Identity', passElements],
  ['Squeeze', passElements],
  ['Unsqueeze', passElements],
  ['Reshape', passElements],
  ['Flatten', passElements],
  ['Cast', passElements],
  ['Concat', (_node, inputs) => {
    const parts = inputs.map((i) => i.elements);
    return parts.every((p) => p !== undefined) ? parts.flatMap((p) => [...(p as Dim[])]) : undefined;
  }],
  ['Gather', (node, inputs) => {
    const data = inputs[0]?.elements;
    const indices = numbersIn(inputs, 1);
    if (!data || !indices || intAttribute(node, 'axis', 0) !== 0) return undefined;
    const picked = indices.map((i) => normalizeAxis(i, data.length));
    return picked.every((i) => i !== undefined) ? picked.map((i) => data[i as number]) : undefined;
  }],
  ['Slice', (node, inputs, opset) => {
    const data = inputs[0]?.elements;
    const [starts, ends, axes, steps] = [['starts', 1], ['ends', 2], ['axes', 3], ['steps', 4]].map(([attribute, input]) => {
      const list = listArgument(node, inputs, opset, attribute as string, input as number, 10);
      return list === 'missing' ? [] : list;
    });
    if (!data || !starts || !ends || !axes || !steps || starts.length !== 1 || ends.length !== 1) return undefined;
    if (axes.length > 0 && axes[0] !== 0 && axes[0] !== -1) return undefined;
    return sliceElements(data, starts[0], ends[0], steps[0] ?? 1);
  }],
  ['Add', arithmetic((a, b) => a + b, 0)],
  ['Sub', arithmetic((a, b) => a - b, 0)],
  ['Mul', arithmetic((a, b) => a * b, 1)],
  ['Div', arithmetic((a, b) => (b === 0 ? NaN : Math.trunc(a / b)), 1)],
]);

/** The elements of the node's first output, when a rule can follow them. */
export function elementsOfOutput(node: Node, inputs: readonly ShapeInput[], opset: number): Dim[] | undefined {
  if (node.domain !== '') return undefined;
  const elements = VALUE_RULES.get(node.opType)?.(node, inputs, opset);
  return elements && elements.length <= MAX_TRACKED_ELEMENTS ? elements : undefined;
}
