/**
 * The tree layout of TreeEnsembleRegressor and TreeEnsembleClassifier (ai.onnx.ml 1-4): nodes
 * are named by (tree id, node id), branches by node id within the tree, leaves are nodes of mode
 * LEAF, and the votes (target_* or class_*) name their leaf by (tree id, node id). From opset 3,
 * *_as_tensor attributes may replace the float lists with doubles.
 */
import { KernelInputError } from '../../../errors/errors.js';
import type { AttributeReader } from '../../attributes.js';
import { computeValues } from '../../support/numeric.js';
import { checkTrees, leafRef, maxFeatureOf, type Leaf, type NodeMode, type TreeEnsembleModel, type TreeNode } from './tree-model.js';

const MODES: Readonly<Record<string, NodeMode | 'LEAF'>> = {
  BRANCH_LEQ: 'LEQ', BRANCH_LT: 'LT', BRANCH_GTE: 'GTE', BRANCH_GT: 'GT', BRANCH_EQ: 'EQ', BRANCH_NEQ: 'NEQ', LEAF: 'LEAF',
};

/** A float list, or its *_as_tensor double twin where the opset has them. */
export function floatsOrTensor(attrs: AttributeReader, name: string, withTensors: boolean): readonly number[] | undefined {
  const tensor = withTensors ? attrs.tensor(`${name}_as_tensor`) : undefined;
  if (tensor) return Array.from(computeValues(tensor) as ArrayLike<number>, Number);
  return attrs.floats(name);
}

/** `prefix` is 'target' for regressors and 'class' for classifiers. */
export function parseLegacyTrees(attrs: AttributeReader, prefix: 'target' | 'class', withTensors: boolean): TreeEnsembleModel {
  const treeIds = attrs.ints('nodes_treeids', []);
  const nodeIds = attrs.ints('nodes_nodeids', []);
  const n = treeIds.length;
  const column = <T>(name: string, list: readonly T[] | undefined, fallback?: T): readonly T[] => {
    const values = list ?? (fallback === undefined ? [] : new Array<T>(n).fill(fallback));
    if (values.length !== n) throw new KernelInputError(`${name} has ${values.length} entries, nodes_treeids has ${n}`);
    return values;
  };
  column('nodes_nodeids', nodeIds);
  const features = column('nodes_featureids', attrs.ints('nodes_featureids'), 0);
  const modes = column('nodes_modes', attrs.strings('nodes_modes'));
  const thresholds = column('nodes_values', floatsOrTensor(attrs, 'nodes_values', withTensors), 0);
  const trueIds = column('nodes_truenodeids', attrs.ints('nodes_truenodeids'), 0);
  const falseIds = column('nodes_falsenodeids', attrs.ints('nodes_falsenodeids'), 0);
  const missing = column('nodes_missing_value_tracks_true', attrs.ints('nodes_missing_value_tracks_true'), 0);

  const key = (tree: number, node: number): string => `${tree}:${node}`;
  // Every (tree, node) becomes a node index or, for LEAF nodes, a leaf index.
  const refs = new Map<string, number>();
  const leafVotes: { targets: number[]; weights: number[] }[] = [];
  let interior = 0;
  modes.forEach((m, i) => {
    const mode = MODES[m];
    if (mode === undefined) throw new KernelInputError(`nodes_modes[${i}] '${m}' is not a node mode`);
    const k = key(treeIds[i], nodeIds[i]);
    if (refs.has(k)) throw new KernelInputError(`tree ${treeIds[i]} has node ${nodeIds[i]} twice`);
    refs.set(k, mode === 'LEAF' ? leafRef(leafVotes.push({ targets: [], weights: [] }) - 1) : interior++);
  });
  const childRef = (i: number, id: number): number => {
    const ref = refs.get(key(treeIds[i], id));
    if (ref === undefined) throw new KernelInputError(`node ${nodeIds[i]} of tree ${treeIds[i]} branches to missing node ${id}`);
    return ref;
  };
  const nodes: TreeNode[] = [];
  const children = new Set<number>();
  modes.forEach((m, i) => {
    if (m === 'LEAF') return;
    const whenTrue = childRef(i, trueIds[i]);
    const whenFalse = childRef(i, falseIds[i]);
    children.add(whenTrue).add(whenFalse);
    nodes.push({ feature: features[i], mode: MODES[m] as NodeMode, threshold: thresholds[i], missingTrue: missing[i] === 1, whenTrue, whenFalse });
  });

  const voteTrees = attrs.ints(`${prefix}_treeids`, []);
  const voteNodes = attrs.ints(`${prefix}_nodeids`, []);
  const voteIds = attrs.ints(`${prefix}_ids`, []);
  const voteWeights = floatsOrTensor(attrs, `${prefix}_weights`, withTensors) ?? [];
  if ([voteNodes, voteIds, voteWeights].some((list) => list.length !== voteTrees.length)) {
    throw new KernelInputError(`${prefix}_treeids, ${prefix}_nodeids, ${prefix}_ids and ${prefix}_weights must have one entry per vote`);
  }
  voteTrees.forEach((tree, v) => {
    const ref = refs.get(key(tree, voteNodes[v]));
    if (ref === undefined || ref >= 0) throw new KernelInputError(`vote ${v} names node ${voteNodes[v]} of tree ${tree}, which is not a leaf`);
    leafVotes[~ref].targets.push(voteIds[v]);
    leafVotes[~ref].weights.push(voteWeights[v]);
  });

  // Each tree's root is the node of that tree no branch points to; trees keep their first-seen order.
  const roots: number[] = [];
  const seenTrees = new Set<number>();
  treeIds.forEach((tree, i) => {
    const ref = refs.get(key(tree, nodeIds[i])) as number;
    if (children.has(ref)) return;
    if (seenTrees.has(tree)) throw new KernelInputError(`tree ${tree} has more than one root`);
    seenTrees.add(tree);
    roots.push(ref);
  });
  const rootless = treeIds.find((tree) => !seenTrees.has(tree));
  if (rootless !== undefined) throw new KernelInputError(`tree ${rootless} has no root: every node is some node's child`);
  const leaves: Leaf[] = leafVotes;
  const model = { nodes, leaves, roots, maxFeature: maxFeatureOf(nodes) };
  checkTrees(model);
  return model;
}
