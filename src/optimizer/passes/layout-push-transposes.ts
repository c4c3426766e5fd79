/**
 * Moves a Transpose out of the channels-last layout past the node that reads it, so the node
 * runs channels-last and the Transpose lands later, where it may meet the Transpose into the
 * layout of the next convolution and cancel. Elementwise nodes go through unchanged (their
 * constant operands re-laid out to broadcast the same way); Concat changes its axis. Only a
 * Transpose the node alone reads moves (a shared one would stay and be joined by another). A
 * binary op's other operand, when it is no such Transpose, goes into the layout too: a
 * constant re-laid out, a value through the Transpose into the layout it already has (the
 * start of a chain whose end it is added to: a residual) or a new one.
 */
import type { Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { intAttribute, intsAttribute } from '../node-values.js';
import { inversePermutation, isToPlanar, relaidConstant, transposeNode } from './layout-nodes.js';

/** One operand in, one result out, element by element (any further inputs are scalars, as Clip's bounds). */
const UNARY: ReadonlySet<string> = new Set([
  'Relu', 'Clip', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'Softplus', 'Neg', 'Abs',
  'Exp', 'Sqrt', 'Erf', 'Floor', 'Ceil', 'Round', 'Reciprocal', 'Sign',
]);

const BINARY: ReadonlySet<string> = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow']);

/** The Transpose out of the layout that only `node` reads, producing `name`. */
function movableTranspose(name: string, node: Node, index: GraphIndex, rewrite: GraphRewrite): Node | undefined {
  const producer = index.producer(name);
  return isToPlanar(producer) && !rewrite.isRemoved(producer) && index.onlyConsumerIs(name, node) ? producer : undefined;
}

/** `node` with new inputs, writing a fresh value that a Transpose out of the layout turns into its output. */
function moveAfter(
  node: Node, inputs: readonly string[], moved: readonly Node[], perm: readonly number[], rewrite: GraphRewrite,
  changes: Partial<Node> = {}, before: readonly Node[] = [],
): void {
  const output = node.outputs[0];
  const inner = rewrite.freshName(`${output}_nhwc`);
  for (const t of moved) rewrite.remove(t);
  rewrite.replace(node, ...before, { ...node, ...changes, inputs, outputs: [inner] }, transposeNode(`${node.name}_to_nchw`, inner, output, perm));
}

function pushThroughUnary(node: Node, index: GraphIndex, rewrite: GraphRewrite): boolean {
  const t = movableTranspose(node.inputs[0], node, index, rewrite);
  if (!t) return false;
  moveAfter(node, [t.inputs[0], ...node.inputs.slice(1)], [t], intsAttribute(t, 'perm') ?? [], rewrite);
  return true;
}

function pushThroughBinary(node: Node, index: GraphIndex, rewrite: GraphRewrite): boolean {
  if (node.inputs.length !== 2 || node.inputs[0] === node.inputs[1]) return false;
  const moved = node.inputs.map((name) => movableTranspose(name, node, index, rewrite));
  const first = moved.find((t) => t !== undefined);
  if (!first) return false;
  const perm = intsAttribute(first, 'perm') ?? [];
  const inputs: string[] = [];
  const added: Node[] = [];
  for (const [i, name] of node.inputs.entries()) {
    const t = moved[i];
    const constant = t ? undefined : index.constant(name);
    let relaid = t ? t.inputs[0] : constant && relaidConstant(name, constant, perm, rewrite);
    if (relaid === undefined && index.rank(name) === perm.length) {
      const into = intoLayout(name, perm, index, rewrite);
      relaid = into.value;
      if (into.node) added.push(into.node);
    }
    if (relaid === undefined) return false;
    inputs.push(relaid);
  }
  moveAfter(node, inputs, moved.filter((t): t is Node => t !== undefined), perm, rewrite, {}, added);
  return true;
}

/**
 * `name` moved into the layout (by the inverse of `perm`): the output of a Transpose that
 * already does it, or of a new one (returned, for the caller to place).
 */
function intoLayout(name: string, perm: readonly number[], index: GraphIndex, rewrite: GraphRewrite): { value: string; node?: Node } {
  const inverse = inversePermutation(perm);
  const existing = index.consumers(name).find((n) => {
    const p = n.opType === 'Transpose' && n.domain === '' && !rewrite.isRemoved(n) ? intsAttribute(n, 'perm') : undefined;
    return p !== undefined && p.length === inverse.length && p.every((v, i) => v === inverse[i]);
  });
  if (existing) return { value: existing.outputs[0] };
  const value = rewrite.freshName(`${name}_nhwc`);
  return { value, node: transposeNode(`${name}_to_nhwc`, name, value, inverse) };
}

function pushThroughConcat(node: Node, index: GraphIndex, rewrite: GraphRewrite): boolean {
  if (new Set(node.inputs).size !== node.inputs.length || node.inputs.some((name) => !name)) return false;
  const moved = node.inputs.map((name) => movableTranspose(name, node, index, rewrite));
  if (moved.some((t) => t === undefined)) return false;
  const transposes = moved as Node[];
  const perm = intsAttribute(transposes[0], 'perm') ?? [];
  const axis = intAttribute(node, 'axis', 1);
  if (axis < -perm.length || axis >= perm.length) return false;
  const attributes = new Map(node.attributes).set('axis', { type: 'int', value: perm[(axis + perm.length) % perm.length] });
  moveAfter(node, transposes.map((t) => t.inputs[0]), transposes, perm, rewrite, { attributes });
  return true;
}

/** Whether the layout can run through `node` (a Transpose out of it moves past): the ops the rules below take. */
export function carriesLayout(node: Node): boolean {
  if (node.domain === 'com.microsoft') return node.opType === 'QuickGelu';
  return node.domain === '' && (UNARY.has(node.opType) || BINARY.has(node.opType) || node.opType === 'Concat');
}

/** Moves the Transpose(s) into `node` past it, where a rule applies; false otherwise. */
export function pushTransposeThrough(node: Node, index: GraphIndex, rewrite: GraphRewrite): boolean {
  if (node.outputs.length !== 1 || !node.outputs[0]) return false;
  if (node.domain === 'com.microsoft') return node.opType === 'QuickGelu' && pushThroughUnary(node, index, rewrite);
  if (node.domain !== '') return false;
  if (UNARY.has(node.opType)) return pushThroughUnary(node, index, rewrite);
  if (BINARY.has(node.opType)) return pushThroughBinary(node, index, rewrite);
  return node.opType === 'Concat' && pushThroughConcat(node, index, rewrite);
}
