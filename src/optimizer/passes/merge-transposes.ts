/**
 * Transpose of a Transpose becomes one Transpose of the original input with the composed
 * permutation, or nothing when the two cancel. The first Transpose stays for its other
 * readers (EliminateDeadNodes drops it when there are none).
 */
import type { Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { intsAttribute } from '../node-values.js';

function permutationOf(node: Node, index: GraphIndex): readonly number[] | undefined {
  const perm = intsAttribute(node, 'perm');
  if (perm) return perm;
  const rank = index.rank(node.inputs[0]);
  return rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

/** Where every rewrite starts, and what a graph needs for one. */
const TRANSPOSES = ['Transpose'];

export const mergeTransposes = graphPass({
  name: 'MergeTransposes',
  level: 'basic',
  anchorOps: TRANSPOSES,
  rewrite: nodeRewriter((node, index, rewrite) => {
    if (node.opType !== 'Transpose' || node.domain !== '') return false;
    const first = index.producer(node.inputs[0]);
    if (!first || first.opType !== 'Transpose' || first.domain !== '' || rewrite.isRemoved(first)) return false;
    const outer = permutationOf(node, index);
    const inner = permutationOf(first, index);
    if (!outer || !inner || outer.length !== inner.length) return false;
    const perm = outer.map((p) => inner[p]);
    if (perm.every((p, i) => p === i)) return rewrite.bypass(node, first.inputs[0], node.outputs[0], index);
    const attributes = new Map(node.attributes).set('perm', { type: 'ints', value: perm });
    rewrite.replace(node, { ...node, inputs: [first.inputs[0]], attributes });
    return true;
  }, TRANSPOSES),
});
