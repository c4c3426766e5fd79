/**
 * Decision trees as every tree ensemble op evaluates them, whichever attribute layout they were
 * read from: interior nodes test one feature and branch, leaves hold (target, weight) votes.
 * A branch refers to a node by its index or to a leaf by ~index (a negative number). Structure
 * is checked once at plan time, so traversal can neither index out of range nor loop.
 */
import { KernelInputError } from '../../../errors/errors.js';

export type NodeMode = 'LEQ' | 'LT' | 'GTE' | 'GT' | 'EQ' | 'NEQ' | 'MEMBER';

export interface TreeNode {
  readonly feature: number;
  readonly mode: NodeMode;
  readonly threshold: number;
  /** The set a MEMBER node tests. */
  readonly members?: ReadonlySet<number>;
  /** Whether a NaN feature takes the true branch even when the comparison is false. */
  readonly missingTrue: boolean;
  readonly whenTrue: number;
  readonly whenFalse: number;
}

export interface Leaf {
  readonly targets: readonly number[];
  readonly weights: readonly number[];
}

export interface TreeEnsembleModel {
  readonly nodes: readonly TreeNode[];
  readonly leaves: readonly Leaf[];
  /** One entry per tree: its root node, or ~leaf for a tree that is a single leaf. */
  readonly roots: readonly number[];
  /** The highest feature index any node reads (-1 with no nodes). */
  readonly maxFeature: number;
}

export const leafRef = (leaf: number): number => ~leaf;

function compare(mode: NodeMode, x: number, node: TreeNode): boolean {
  switch (mode) {
    case 'LEQ': return x <= node.threshold;
    case 'LT': return x < node.threshold;
    case 'GTE': return x >= node.threshold;
    case 'GT': return x > node.threshold;
    case 'EQ': return x === node.threshold;
    case 'NEQ': return x !== node.threshold;
    case 'MEMBER': return node.members?.has(x) ?? false;
  }
}

/** The leaf a row reaches from `root`; the row's features start at `offset` of `values`. */
export function leafFor(model: TreeEnsembleModel, root: number, values: Float64Array, offset: number): Leaf {
  let ref = root;
  while (ref >= 0) {
    const node = model.nodes[ref];
    const x = values[offset + node.feature];
    ref = compare(node.mode, x, node) || (node.missingTrue && Number.isNaN(x)) ? node.whenTrue : node.whenFalse;
  }
  return model.leaves[~ref];
}

/** Throws unless every branch is in range and no tree revisits a node. */
export function checkTrees(model: TreeEnsembleModel): void {
  const { nodes, leaves } = model;
  const checkRef = (ref: number, from: string): void => {
    if (ref >= 0 ? ref >= nodes.length : ~ref >= leaves.length) {
      throw new KernelInputError(`${from} refers to ${ref >= 0 ? `node ${ref}` : `leaf ${~ref}`}, which does not exist`);
    }
  };
  // 0 unvisited, 1 on the current path, 2 done: a node met again on its own path is a cycle.
  const state = new Uint8Array(nodes.length);
  for (const root of model.roots) {
    checkRef(root, 'a tree root');
    if (root < 0 || state[root] === 2) continue;
    const stack: [number, boolean][] = [[root, false]];
    while (stack.length > 0) {
      const [index, leaving] = stack.pop() as [number, boolean];
      if (leaving) {
        state[index] = 2;
        continue;
      }
      if (state[index] === 1) throw new KernelInputError(`the trees contain a cycle through node ${index}`);
      if (state[index] === 2) continue;
      state[index] = 1;
      stack.push([index, true]);
      const node = nodes[index];
      for (const child of [node.whenTrue, node.whenFalse]) {
        checkRef(child, `node ${index}`);
        if (child >= 0) stack.push([child, false]);
      }
    }
  }
  for (const leaf of leaves) {
    if (leaf.targets.some((t) => !Number.isInteger(t) || t < 0)) throw new KernelInputError(`leaf targets must be non-negative, got ${leaf.targets.join(', ')}`);
  }
}

export function maxFeatureOf(nodes: readonly TreeNode[]): number {
  let max = -1;
  for (const node of nodes) {
    if (!Number.isInteger(node.feature) || node.feature < 0) throw new KernelInputError(`feature id ${node.feature} is not a valid feature index`);
    max = Math.max(max, node.feature);
  }
  return max;
}
