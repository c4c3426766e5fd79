/**
 * A Reshape reading a Reshape, Flatten, Squeeze or Unsqueeze reads that node's input instead:
 * only the element count reaches a Reshape, and relabelling does not change it. Not when the
 * target copies input dims (a 0 without allowzero), which would then copy different ones.
 */
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { constantNumbers, intAttribute, intsAttribute } from '../node-values.js';

const RELABELLING_OPS = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

/** Where every rewrite starts, and what a graph needs for one. */
const RESHAPES = ['Reshape'];

export const mergeReshapes = graphPass({
  name: 'MergeReshapes',
  level: 'basic',
  anchorOps: RESHAPES,
  rewrite: nodeRewriter((node, index, rewrite, scope) => {
    if (node.opType !== 'Reshape' || node.domain !== '') return false;
    const before = index.producer(node.inputs[0]);
    if (!before || before.domain !== '' || !RELABELLING_OPS.has(before.opType) || rewrite.isRemoved(before)) return false;
    const target = (scope.opsets.get('') ?? 1) < 5 ? intsAttribute(node, 'shape') : constantNumbers(node, 1, index);
    if (!target || (target.includes(0) && intAttribute(node, 'allowzero', 0) === 0)) return false;
    rewrite.replace(node, { ...node, inputs: [before.inputs[0], ...node.inputs.slice(1)] });
    return true;
  }, RESHAPES),
});
