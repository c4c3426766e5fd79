/**
 * TreeEnsemble (ai.onnx.ml 5): nodes_* describe interior nodes by position, leaf_* one
 * (target, weight) per leaf, and each branch says whether it points at a node or a leaf.
 * Modes are a uint8 tensor (0 LEQ .. 5 NEQ, 6 MEMBER); MEMBER nodes take their sets, in node
 * order, from membership_values split at NaNs. The output has the input's float type.
 */
import { KernelInputError } from '../../../errors/errors.js';
import type { DenseTensor } from '../../../tensor/dense-tensor.js';
import type { AttributeReader } from '../../attributes.js';
import { kernel } from '../../kernel.js';
import { tensorInput } from '../../support/inputs.js';
import { computeValues, tensorFromCompute } from '../../support/numeric.js';
import { featureRows } from '../feature-rows.js';
import { parsePostTransform, transformScores, type PostTransform } from '../post-transform.js';
import { checkTrees, leafRef, maxFeatureOf, type NodeMode, type TreeEnsembleModel, type TreeNode } from './tree-model.js';
import { parseAggregate, treeScores, type Aggregate } from './tree-scores.js';

const MODES: readonly NodeMode[] = ['LEQ', 'LT', 'GTE', 'GT', 'EQ', 'NEQ', 'MEMBER'];

interface EnsembleAttributes {
  readonly model: TreeEnsembleModel;
  readonly targets: number;
  readonly aggregate: Aggregate;
  readonly transform: PostTransform;
}

const numbersOf = (t: DenseTensor): number[] => Array.from(computeValues(t) as ArrayLike<number | bigint>, Number);

function requiredTensor(attrs: AttributeReader, name: string): DenseTensor {
  const t = attrs.tensor(name);
  if (!t) throw new KernelInputError(`attribute '${name}' is required but missing`);
  return t;
}

/** The NaN-separated sets of membership_values, one per MEMBER node in order. */
function membershipSets(values: readonly number[]): Set<number>[] {
  const sets: Set<number>[] = [new Set()];
  for (const v of values) {
    if (Number.isNaN(v)) sets.push(new Set());
    else sets[sets.length - 1].add(v);
  }
  return sets;
}

function parseModel(attrs: AttributeReader): TreeEnsembleModel {
  const features = attrs.requiredInts('nodes_featureids');
  const modes = numbersOf(requiredTensor(attrs, 'nodes_modes'));
  const splits = numbersOf(requiredTensor(attrs, 'nodes_splits'));
  const trueIds = attrs.requiredInts('nodes_truenodeids');
  const falseIds = attrs.requiredInts('nodes_falsenodeids');
  const trueLeafs = attrs.requiredInts('nodes_trueleafs');
  const falseLeafs = attrs.requiredInts('nodes_falseleafs');
  const missing = attrs.ints('nodes_missing_value_tracks_true', []);
  const lists = { nodes_modes: modes, nodes_splits: splits, nodes_truenodeids: trueIds, nodes_falsenodeids: falseIds, nodes_trueleafs: trueLeafs, nodes_falseleafs: falseLeafs };
  for (const [name, list] of Object.entries(lists)) {
    if (list.length !== features.length) throw new KernelInputError(`${name} has ${list.length} entries, nodes_featureids has ${features.length}`);
  }
  const membership = attrs.tensor('membership_values');
  const sets = membershipSets(membership ? numbersOf(membership) : []);
  let memberNode = 0;
  const nodes = features.map((feature, i): TreeNode => {
    const mode = MODES[modes[i]];
    if (mode === undefined) throw new KernelInputError(`nodes_modes[${i}] = ${modes[i]} is not a mode (0..6)`);
    const members = mode === 'MEMBER' ? sets[memberNode++] : undefined;
    if (mode === 'MEMBER' && members === undefined) throw new KernelInputError('membership_values has fewer sets than there are MEMBER nodes');
    return {
      feature, mode, threshold: splits[i], members, missingTrue: missing[i] === 1,
      whenTrue: trueLeafs[i] ? leafRef(trueIds[i]) : trueIds[i],
      whenFalse: falseLeafs[i] ? leafRef(falseIds[i]) : falseIds[i],
    };
  });
  const targets = attrs.requiredInts('leaf_targetids');
  const weights = numbersOf(requiredTensor(attrs, 'leaf_weights'));
  if (weights.length !== targets.length) throw new KernelInputError(`leaf_weights has ${weights.length} entries, leaf_targetids has ${targets.length}`);
  const leaves = targets.map((target, i) => ({ targets: [target], weights: [weights[i]] }));
  const model = { nodes, leaves, roots: attrs.requiredInts('tree_roots'), maxFeature: maxFeatureOf(nodes) };
  checkTrees(model);
  return model;
}

export const treeEnsembleKernel = kernel<EnsembleAttributes>({
  domain: 'ai.onnx.ml',
  opType: 'TreeEnsemble',
  sinceVersion: 5,
  typeConstraints: [{ input: 0, types: ['float32', 'float64', 'float16'] }],
  parseAttributes(attrs) {
    const model = parseModel(attrs);
    const targets = attrs.int('n_targets') ?? model.leaves.reduce((m, l) => Math.max(m, ...l.targets.map((t) => t + 1)), 0);
    return { model, targets, aggregate: parseAggregate(attrs.int('aggregate_function', 1)), transform: parsePostTransform(attrs.int('post_transform', 0)) };
  },
  run(inputs, { model, targets, aggregate, transform }) {
    const x = tensorInput(inputs, 0, 'X');
    const rows = featureRows(x);
    const { scores } = treeScores(model, rows, targets, aggregate);
    transformScores(scores, targets, transform);
    const out = x.type === 'float64' ? scores : Float32Array.from(scores);
    return [tensorFromCompute(x.type, [rows.rows, targets], out)];
  },
});
