/**
 * Common-subexpression elimination: of two nodes with the same op, the same inputs and the
 * same attributes, the second is dropped and its readers read the first one's outputs. Random
 * ops (and Dropout, random in training) differ on every run and are left alone, as are nodes
 * with subgraphs and ops of domains whose kernels this runtime does not know to be pure.
 */
import type { Attribute, Node } from '../../ir/graph.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { NONDETERMINISTIC_OPS } from '../nondeterministic-ops.js';
import { hasSubgraphs } from '../../ir/subgraphs.js';
import { tensorContentKey } from '../tensor-content-key.js';

const PURE_DOMAINS = new Set(['', 'ai.onnx.ml', 'com.microsoft']);
/** Tensor attributes larger than this are compared by identity, not by content. */
const MAX_COMPARED_ELEMENTS = 4096;

const tensorIds = new WeakMap<DenseTensor, number>();
let lastTensorId = 0;

function numberKey(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Keys of compared tensors, built once per tensor: tensors are immutable and met every round. */
const tensorKeys = new WeakMap<DenseTensor, string>();

function tensorKey(t: DenseTensor): string {
  if (t.size > MAX_COMPARED_ELEMENTS) {
    let id = tensorIds.get(t);
    if (id === undefined) tensorIds.set(t, (id = ++lastTensorId));
    return `tensor#${id}`;
  }
  let key = tensorKeys.get(t);
  if (key === undefined) tensorKeys.set(t, (key = tensorContentKey(t)));
  return key;
}

/** Texts joined after this stay apart whatever characters they hold (tensor keys are raw bytes). */
function lengthPrefixed(text: string): string {
  return `${text.length}:${text}`;
}

/** Undefined for attributes that are not compared. */
function attributeKey(a: Attribute): string | undefined {
  switch (a.type) {
    case 'float':
    case 'int':
      return `${a.type}:${numberKey(a.value)}`;
    case 'floats':
    case 'ints':
      return `${a.type}:${a.value.map(numberKey).join(',')}`;
    case 'string':
      return `string:${JSON.stringify(a.value)}`;
    case 'strings':
      return `strings:${JSON.stringify(a.value)}`;
    case 'tensor':
    case 'sparse-tensor':
      return `${a.type}:${tensorKey(a.value)}`;
    case 'tensors':
    case 'sparse-tensors':
      return `${a.type}:${a.value.map((t) => lengthPrefixed(tensorKey(t))).join('')}`;
    default:
      // Types, references and graphs are not compared: such nodes never merge.
      return undefined;
  }
}

/**
 * The attributes as one text, null when some attribute is not compared. Kept per attribute
 * map, which a node keeps through rewrites that rename its inputs, so each is spelled once.
 */
const attributesKeys = new WeakMap<ReadonlyMap<string, Attribute>, string | null>();

function attributesKey(attributes: ReadonlyMap<string, Attribute>): string | null {
  let key = attributesKeys.get(attributes);
  if (key === undefined) {
    const attrs: string[] = [];
    for (const [name, a] of [...attributes].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const value = attributeKey(a);
      if (value === undefined) break;
      attrs.push(`${name}=${value}`);
    }
    // Not JSON: it would escape the bytes of tensor keys one by one.
    key = attrs.length === attributes.size ? attrs.map(lengthPrefixed).join('') : null;
    attributesKeys.set(attributes, key);
  }
  return key;
}

function nodeKey(node: Node, inputs: readonly string[]): string | undefined {
  if (!PURE_DOMAINS.has(node.domain) || NONDETERMINISTIC_OPS.has(node.opType) || hasSubgraphs(node)) return undefined;
  const attrs = attributesKey(node.attributes);
  if (attrs === null) return undefined;
  // Length-prefixed parts and an input count read back one way; the outputs' marks (+ and -)
  // end at the '|', so the attributes' text cannot run into them. Cheaper than JSON.stringify.
  let key = `${lengthPrefixed(node.domain)}${lengthPrefixed(node.opType)}${inputs.length}:`;
  for (let i = 0; i < inputs.length; i++) key += lengthPrefixed(inputs[i]);
  for (let o = 0; o < node.outputs.length; o++) key += node.outputs[o] === '' ? '-' : '+';
  return `${key}|${attrs}`;
}

/** Keys of nodes read on their own inputs: nodes are immutable and the pass meets most of them every round. */
const ownInputKeys = new WeakMap<Node, string | null>();

function keyOn(node: Node, alias: ReadonlyMap<string, string>): string | undefined {
  const inputs = alias.size === 0 ? node.inputs : node.inputs.map((i) => alias.get(i) ?? i);
  if (inputs.some((name, i) => name !== node.inputs[i])) return nodeKey(node, inputs);
  let key = ownInputKeys.get(node);
  if (key === undefined) ownInputKeys.set(node, (key = nodeKey(node, node.inputs) ?? null));
  return key ?? undefined;
}

export const eliminateCommonSubexpressions = graphPass({
  name: 'EliminateCommonSubexpressions',
  level: 'basic',
  rewrite: (graph, scope) => {
    const seen = new Map<string, Node>();
    // Readers of merged values read the survivor's outputs, so keys are built on resolved inputs.
    const alias = new Map<string, string>();
    return nodeRewriter((node, index, rewrite) => {
      if (node.outputs.length === 0) return false;
      const key = keyOn(node, alias);
      if (key === undefined) return false;
      const first = seen.get(key);
      if (!first || node.outputs.some((o) => o !== '' && index.isGraphOutput(o))) {
        if (!first) seen.set(key, node);
        return false;
      }
      rewrite.remove(node);
      node.outputs.forEach((o, i) => {
        if (o === '') return;
        alias.set(o, first.outputs[i]);
        rewrite.rename(o, first.outputs[i]);
      });
      return true;
    })(graph, scope);
  },
});
