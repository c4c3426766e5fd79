/**
 * Squeeze and Unsqueeze folded into a neighbour of the same pair: Unsqueeze then Squeeze of
 * the same axes (or Squeeze of named axes then Unsqueeze of them) cancel; two Unsqueezes, or
 * two Squeezes of named axes, become one. Ranks come from inferred shapes.
 */
import type { Node } from '../../ir/graph.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { attributeOrInput } from '../node-values.js';

/** Axes made non-negative for `rank` and sorted; undefined when unknown, absent or out of range. */
function axesOf(node: Node, index: GraphIndex, opset: number, rank: number | undefined): number[] | undefined {
  const axes = attributeOrInput(node, index, opset, { attribute: 'axes', input: 1, inputSince: 13 });
  if (!Array.isArray(axes) || rank === undefined) return undefined;
  const normalized = axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  return normalized.every((a, i) => a >= 0 && a < rank && a !== normalized[i - 1]) ? normalized : undefined;
}

const sameAxes = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** `node` rewritten to apply to `input` with `axes`, as an attribute or (opset 13+) a new initializer. */
function withAxes(node: Node, input: string, axes: readonly number[], opset: number, rewrite: GraphRewrite): Node {
  if (opset < 13) return { ...node, inputs: [input], attributes: new Map(node.attributes).set('axes', { type: 'ints', value: axes }) };
  const name = rewrite.freshName(`${node.outputs[0]}_axes`);
  rewrite.addInitializer(name, new DenseTensor('int64', [axes.length], BigInt64Array.from(axes, BigInt)));
  return { ...node, inputs: [input, name] };
}

function axesCount(node: Node, index: GraphIndex, opset: number): number | undefined {
  const axes = attributeOrInput(node, index, opset, { attribute: 'axes', input: 1, inputSince: 13 });
  return Array.isArray(axes) ? axes.length : undefined;
}

/** The rank an Unsqueeze outputs (it inserts as many dims as it names axes) or a Squeeze reads. */
function axesRank(node: Node, inputRank: number, index: GraphIndex, opset: number): number | undefined {
  if (node.opType === 'Squeeze') return inputRank;
  const count = axesCount(node, index, opset);
  return count === undefined ? undefined : inputRank + count;
}

/** Where every rewrite starts, and what a graph needs for one. */
const SQUEEZES = ['Squeeze', 'Unsqueeze'];

export const foldSqueezeUnsqueeze = graphPass({
  name: 'FoldSqueezeUnsqueeze',
  level: 'basic',
  anchorOps: SQUEEZES,
  rewrite: nodeRewriter((node, index, rewrite, scope) => {
    if (node.domain !== '' || (node.opType !== 'Squeeze' && node.opType !== 'Unsqueeze')) return false;
    const before = index.producer(node.inputs[0]);
    if (!before || before.domain !== '' || rewrite.isRemoved(before)) return false;
    if (before.opType !== 'Squeeze' && before.opType !== 'Unsqueeze') return false;
    const opset = scope.opsets.get('') ?? 1;
    const source = before.inputs[0];
    const rank = index.rank(source);
    const firstRank = rank === undefined ? undefined : axesRank(before, rank, index, opset);
    const firstAxes = firstRank === undefined ? undefined : axesOf(before, index, opset, firstRank);
    if (rank === undefined || !firstAxes) return false;
    const middleRank = before.opType === 'Unsqueeze' ? rank + firstAxes.length : rank - firstAxes.length;
    const secondRank = axesRank(node, middleRank, index, opset);
    const secondAxes = secondRank === undefined ? undefined : axesOf(node, index, opset, secondRank);
    if (secondRank === undefined || !secondAxes) return false;
    if (before.opType !== node.opType) {
      // Unsqueeze(a) then Squeeze(a) restores the input; so does Squeeze(a) then Unsqueeze(a).
      return sameAxes(firstAxes, secondAxes) && rewrite.bypass(node, source, node.outputs[0], index);
    }
    const combined = node.opType === 'Unsqueeze'
      ? composeUnsqueezes(firstAxes, secondAxes, secondRank)
      : composeSqueezes(rank, firstAxes, secondAxes);
    rewrite.replace(node, withAxes(node, source, combined, opset, rewrite));
    return true;
  }, SQUEEZES),
});

/**
 * The output positions of the dims two Unsqueezes insert: the second's own, and those of the
 * first's, found by walking the output's remaining positions (which hold the first's output in order).
 */
function composeUnsqueezes(first: readonly number[], second: readonly number[], outputRank: number): number[] {
  const result = [...second];
  for (let pos = 0, fromFirst = 0; pos < outputRank; pos++) {
    if (second.includes(pos)) continue;
    if (first.includes(fromFirst)) result.push(pos);
    fromFirst++;
  }
  return result.sort((a, b) => a - b);
}

/** The input axes two Squeezes remove, the second's axes given in the first's output rank. */
function composeSqueezes(rank: number, first: readonly number[], second: readonly number[]): number[] {
  const kept = Array.from({ length: rank }, (_, i) => i).filter((i) => !first.includes(i));
  return [...first, ...second.map((a) => kept[a])].sort((a, b) => a - b);
}
