/**
 * Turning one row of aggregated class scores into TreeEnsembleClassifier's label and score
 * row. This follows onnxruntime, whose behaviour exporters target and which the spec leaves
 * open: with more than two classes base values are added and the label is the argmax of the
 * scored classes; with two classes a lone score (only one class ever voted for) decides the
 * label against 0.5 for all-positive weights (probabilities) or 0 for mixed weights (margins),
 * and is widened to two columns.
 */
import { transformScores, widenScore, type PostTransform, type Widening } from '../post-transform.js';

export interface ClassifierShape {
  readonly classes: number;
  readonly baseValues: readonly number[];
  readonly transform: PostTransform;
  /** Two classes and every vote for the same one. */
  readonly binaryCase: boolean;
  readonly allPositive: boolean;
}

/** The winning class index and the row's output scores; `scores` and `has` are this row's. */
export function classifyRow(scores: Float64Array, has: Uint8Array, shape: ClassifierShape): { winner: number; z: Float64Array } {
  const { baseValues, transform } = shape;
  if (shape.classes > 2) {
    for (let k = 0; k < Math.min(baseValues.length, shape.classes); k++) {
      scores[k] = has[k] ? scores[k] + baseValues[k] : baseValues[k];
      has[k] = 1;
    }
    let winner = -1;
    for (let k = 0; k < shape.classes; k++) if (has[k] && (winner < 0 || scores[k] > scores[winner])) winner = k;
    const z = scores.slice();
    transformScores(z, shape.classes, transform);
    // A row no tree voted on has no winner; the first class stands in.
    return { winner: Math.max(winner, 0), z };
  }
  let [s0, s1] = scores;
  let widening: Widening | undefined;
  let lone = false;
  if (baseValues.length === 2) {
    if (has[1]) {
      // onnxruntime's rule for this case: class 1 takes base_values[1] plus class 0's score.
      s1 = baseValues[1] + s0;
      s0 = -s1;
    } else {
      s0 += baseValues[0];
      s1 += baseValues[1];
    }
  } else {
    if (baseValues.length === 1) s0 += baseValues[0];
    else widening = 'margin';
    lone = !has[1];
  }
  const positive = !lone && has[1] ? s1 : has[0] ? s0 : 0;
  let winner: number;
  if (shape.binaryCase) {
    winner = positive > (shape.allPositive ? 0.5 : 0) ? 1 : 0;
    widening = shape.allPositive ? 'complement' : 'margin';
  } else {
    winner = positive > 0 ? 1 : 0;
  }
  // Scores of classes nothing voted for are written as 0, whatever base value they got.
  if (!has[0]) s0 = 0;
  if (lone) {
    // Without a widening rule onnxruntime writes the lone score alone (PROBIT still applies).
    const z = widening || transform === 'PROBIT' ? widenScore(s0, widening ?? 'margin', transform) : [s0, 0];
    return { winner, z: Float64Array.from(z) };
  }
  const z = Float64Array.of(s0, has[1] ? s1 : 0);
  transformScores(z, 2, transform);
  return { winner, z };
}
