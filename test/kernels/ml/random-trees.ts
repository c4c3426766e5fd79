/**
 * Seeded random decision-tree ensembles for the tree tests, rendered in both attribute layouts:
 * the (tree id, node id) one of TreeEnsembleRegressor/Classifier and the positional one of
 * TreeEnsemble (ai.onnx.ml 5).
 */
import { attr, type AttributeValue } from '../../support/model-builder.js';
import type { Rng } from '../../support/random.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';

type Mode = 'BRANCH_LEQ' | 'BRANCH_LT' | 'BRANCH_GTE' | 'BRANCH_GT' | 'BRANCH_EQ' | 'BRANCH_NEQ';
const MODES: Mode[] = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ'];

type Tree =
  | { leaf: true; votes: { target: number; weight: number }[] }
  | { leaf: false; feature: number; mode: Mode; threshold: number; missingTrue: boolean; whenTrue: Tree; whenFalse: Tree };

export interface EnsembleSpec {
  readonly trees: number;
  readonly depth: number;
  readonly features: number;
  readonly targets: number;
  /** Votes per leaf (1 for TreeEnsemble, which has one per leaf). */
  readonly votesPerLeaf: number;
  readonly modes?: readonly Mode[];
  /** Leaf weights drawn from [min, max). */
  readonly weights?: readonly [number, number];
  /** Only these targets get votes. */
  readonly votedTargets?: readonly number[];
}

function randomTree(rng: Rng, spec: EnsembleSpec, depth: number): Tree {
  if (depth === 0 || (depth < spec.depth && rng.next() < 0.25)) {
    const [lo, hi] = spec.weights ?? [-2, 2];
    const targets = spec.votedTargets ?? Array.from({ length: spec.targets }, (_, i) => i);
    const votes = Array.from({ length: spec.votesPerLeaf }, () => ({ target: targets[rng.int(0, targets.length - 1)], weight: Math.fround(rng.uniform(lo, hi)) }));
    return { leaf: true, votes };
  }
  const modes = spec.modes ?? MODES;
  return {
    leaf: false,
    feature: rng.int(0, spec.features - 1),
    mode: modes[rng.int(0, modes.length - 1)],
    // Thresholds on a coarse grid so EQ and NEQ meet inputs drawn from the same grid.
    threshold: Math.round(rng.uniform(-2, 2) * 2) / 2,
    missingTrue: rng.next() < 0.5,
    whenTrue: randomTree(rng, spec, depth - 1),
    whenFalse: randomTree(rng, spec, depth - 1),
  };
}

export function randomEnsemble(rng: Rng, spec: EnsembleSpec): Tree[] {
  return Array.from({ length: spec.trees }, () => randomTree(rng, spec, spec.depth));
}

/** The TreeEnsembleRegressor/Classifier attributes (`prefix` 'target' or 'class'). */
export function legacyAttributes(trees: Tree[], prefix: 'target' | 'class'): Record<string, AttributeValue> {
  const n: Record<string, (number | string)[]> = { treeids: [], nodeids: [], featureids: [], modes: [], values: [], truenodeids: [], falsenodeids: [], missing: [] };
  const v: Record<string, number[]> = { treeids: [], nodeids: [], ids: [], weights: [] };
  trees.forEach((tree, treeId) => {
    let next = 0;
    const visit = (t: Tree): number => {
      const id = next++;
      const at = n.treeids.length;
      n.treeids.push(treeId);
      n.nodeids.push(id);
      if (t.leaf) {
        n.featureids.push(0); n.modes.push('LEAF'); n.values.push(0); n.truenodeids.push(0); n.falsenodeids.push(0); n.missing.push(0);
        for (const vote of t.votes) { v.treeids.push(treeId); v.nodeids.push(id); v.ids.push(vote.target); v.weights.push(vote.weight); }
      } else {
        n.featureids.push(t.feature); n.modes.push(t.mode); n.values.push(t.threshold); n.missing.push(t.missingTrue ? 1 : 0);
        n.truenodeids.push(0); n.falsenodeids.push(0);
        n.truenodeids[at] = visit(t.whenTrue);
        n.falsenodeids[at] = visit(t.whenFalse);
      }
      return id;
    };
    visit(tree);
  });
  return {
    nodes_treeids: attr.ints(n.treeids as number[]), nodes_nodeids: attr.ints(n.nodeids as number[]), nodes_featureids: attr.ints(n.featureids as number[]),
    nodes_modes: attr.strings(n.modes as string[]), nodes_values: attr.floats(n.values as number[]), nodes_truenodeids: attr.ints(n.truenodeids as number[]),
    nodes_falsenodeids: attr.ints(n.falsenodeids as number[]), nodes_missing_value_tracks_true: attr.ints(n.missing as number[]),
    [`${prefix}_treeids`]: attr.ints(v.treeids), [`${prefix}_nodeids`]: attr.ints(v.nodeids), [`${prefix}_ids`]: attr.ints(v.ids), [`${prefix}_weights`]: attr.floats(v.weights),
  };
}

/** The TreeEnsemble (opset 5) attributes, splits and weights as `type` tensors. Leaves must have one vote each. */
export function positionalAttributes(trees: Tree[], type: 'float32' | 'float64'): Record<string, AttributeValue> {
  const nodes: { feature: number; mode: number; split: number; missing: number; t: number; tLeaf: number; f: number; fLeaf: number }[] = [];
  const leaves: { target: number; weight: number }[] = [];
  const ref = (t: Tree): [number, number] => {
    if (t.leaf) return [leaves.push(t.votes[0]) - 1, 1];
    const at = nodes.push({ feature: t.feature, mode: MODES.indexOf(t.mode), split: t.threshold, missing: t.missingTrue ? 1 : 0, t: 0, tLeaf: 0, f: 0, fLeaf: 0 }) - 1;
    [nodes[at].t, nodes[at].tLeaf] = ref(t.whenTrue);
    [nodes[at].f, nodes[at].fLeaf] = ref(t.whenFalse);
    return [at, 0];
  };
  const roots = trees.map((t) => {
    if (!t.leaf) return ref(t)[0];
    // A single-leaf tree is a node whose branches both reach that leaf.
    const leaf = leaves.push(t.votes[0]) - 1;
    return nodes.push({ feature: 0, mode: 0, split: 0, missing: 0, t: leaf, tLeaf: 1, f: leaf, fLeaf: 1 }) - 1;
  });
  const floats = (values: number[]) => attr.tensor(new DenseTensor(type, [values.length], type === 'float32' ? Float32Array.from(values) : Float64Array.from(values)));
  return {
    tree_roots: attr.ints(roots),
    nodes_featureids: attr.ints(nodes.map((x) => x.feature)),
    nodes_modes: attr.tensor(new DenseTensor('uint8', [nodes.length], Uint8Array.from(nodes.map((x) => x.mode)))),
    nodes_splits: floats(nodes.map((x) => x.split)),
    nodes_missing_value_tracks_true: attr.ints(nodes.map((x) => x.missing)),
    nodes_truenodeids: attr.ints(nodes.map((x) => x.t)), nodes_trueleafs: attr.ints(nodes.map((x) => x.tLeaf)),
    nodes_falsenodeids: attr.ints(nodes.map((x) => x.f)), nodes_falseleafs: attr.ints(nodes.map((x) => x.fLeaf)),
    leaf_targetids: attr.ints(leaves.map((l) => l.target)), leaf_weights: floats(leaves.map((l) => l.weight)),
  };
}
