/**
 * One-vs-one decision values of a LIBSVM-style SVC. Coefficients are laid out
 * [classes - 1, vectors]: the pair (i, j) weighs class i's support vectors by row j - 1 and
 * class j's by row i, plus rho for the pair. A positive value votes for i, otherwise for j.
 */
export interface SvcModel {
  readonly vectorsPerClass: readonly number[];
  readonly supportVectors: readonly number[];
  readonly vectorCount: number;
}

/** Pairwise scores [rows, pairs] and votes [rows, classes] from kernel values [rows, vectorCount]. */
export function svcScores(
  model: SvcModel, kernels: Float64Array, rows: number, classes: number, coefficients: readonly number[], rho: readonly number[],
): { scores: Float64Array; votes: Float64Array } {
  const { vectorsPerClass, vectorCount } = model;
  const starts = vectorsPerClass.map((_, c) => vectorsPerClass.slice(0, c).reduce((a, b) => a + b, 0));
  const pairs = (classes * (classes - 1)) / 2;
  const scores = new Float64Array(rows * pairs);
  const votes = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const k = r * vectorCount;
    let pair = 0;
    for (let i = 0; i < classes; i++) {
      for (let j = i + 1; j < classes; j++, pair++) {
        let sum = rho[pair];
        for (let m = 0; m < vectorsPerClass[i]; m++) sum += coefficients[(j - 1) * vectorCount + starts[i] + m] * kernels[k + starts[i] + m];
        for (let m = 0; m < vectorsPerClass[j]; m++) sum += coefficients[i * vectorCount + starts[j] + m] * kernels[k + starts[j] + m];
        scores[r * pairs + pair] = sum;
        votes[r * classes + (sum > 0 ? i : j)]++;
      }
    }
  }
  return { scores, votes };
}
