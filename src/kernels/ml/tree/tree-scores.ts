/**
 * Running every tree over a batch and aggregating leaf votes per target, as onnxruntime does:
 * SUM and AVERAGE add votes (AVERAGE then divides by the tree count), MIN and MAX keep the
 * extreme vote. A target no vote reached has no score; regressors read it as 0, the classifier
 * treats it specially. Base values are added after aggregating.
 */
import { KernelInputError } from '../../../errors/errors.js';
import type { FeatureRows } from '../feature-rows.js';
import { leafFor, type TreeEnsembleModel } from './tree-model.js';

export type Aggregate = 'SUM' | 'AVERAGE' | 'MIN' | 'MAX';

/** TreeEnsemble (ai.onnx.ml 5) encodes the aggregate as an index into this list. */
const BY_CODE: readonly Aggregate[] = ['AVERAGE', 'SUM', 'MIN', 'MAX'];

export function parseAggregate(value: string | number): Aggregate {
  const found = typeof value === 'number' ? BY_CODE[value] : BY_CODE.find((a) => a === value);
  if (found === undefined) throw new KernelInputError(`attribute 'aggregate_function' must be one of ${BY_CODE.join(', ')}, got ${JSON.stringify(value)}`);
  return found;
}

export interface TreeScores {
  /** [rows, targets], before base values. */
  readonly scores: Float64Array;
  /** Whether any vote reached each score. */
  readonly hasScore: Uint8Array;
}

export function treeScores(model: TreeEnsembleModel, input: FeatureRows, targets: number, aggregate: Aggregate): TreeScores {
  const { rows, cols, values } = input;
  if (model.maxFeature >= cols) throw new KernelInputError(`the trees read feature ${model.maxFeature} but X has ${cols} features`);
  const scores = new Float64Array(rows * targets);
  const hasScore = new Uint8Array(rows * targets);
  for (let r = 0; r < rows; r++) {
    for (const root of model.roots) {
      const leaf = leafFor(model, root, values, r * cols);
      for (let v = 0; v < leaf.targets.length; v++) {
        const target = leaf.targets[v];
        if (target >= targets) throw new KernelInputError(`a leaf votes for target ${target} of ${targets}`);
        const at = r * targets + target;
        const w = leaf.weights[v];
        if (aggregate === 'SUM' || aggregate === 'AVERAGE') scores[at] += w;
        else if (!hasScore[at] || (aggregate === 'MIN' ? w < scores[at] : w > scores[at])) scores[at] = w;
        hasScore[at] = 1;
      }
    }
  }
  if (aggregate === 'AVERAGE' && model.roots.length > 0) for (let i = 0; i < scores.length; i++) scores[i] /= model.roots.length;
  return { scores, hasScore };
}
