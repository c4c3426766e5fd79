/**
 * LIBSVM's probability estimates for a one-vs-one SVM: each pairwise decision value becomes a
 * pairwise probability through its Platt sigmoid (prob_a, prob_b), and the pairs are coupled
 * into one distribution by Wu, Lin and Weng's method 2 (the fixed-point iteration LIBSVM and
 * onnxruntime run, with the same stopping rule).
 */

/** P(class i | i or j) from the pair's decision value, kept off 0 and 1 as LIBSVM does. */
export function pairProbability(score: number, a: number, b: number): number {
  const v = score * a + b;
  const p = v >= 0 ? Math.exp(-v) / (1 + Math.exp(-v)) : 1 / (1 + Math.exp(v));
  return Math.min(Math.max(p, 1e-7), 1 - 1e-7);
}

/** `r` is k x k with r[i][j] = P(i | i or j); returns the class probabilities. */
export function coupleProbabilities(k: number, r: Float64Array): Float64Array {
  const q = new Float64Array(k * k);
  const p = new Float64Array(k).fill(1 / k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      q[i * k + i] += r[j * k + i] * r[j * k + i];
      q[i * k + j] = -r[j * k + i] * r[i * k + j];
    }
  }
  const qp = new Float64Array(k);
  const eps = 0.005 / k;
  for (let iteration = 0; iteration < 100; iteration++) {
    let pqp = 0;
    for (let i = 0; i < k; i++) {
      qp[i] = 0;
      for (let j = 0; j < k; j++) qp[i] += q[i * k + j] * p[j];
      pqp += p[i] * qp[i];
    }
    let maxError = 0;
    for (let i = 0; i < k; i++) maxError = Math.max(maxError, Math.abs(qp[i] - pqp));
    if (maxError < eps) break;
    for (let i = 0; i < k; i++) {
      const diff = (-qp[i] + pqp) / q[i * k + i];
      p[i] += diff;
      pqp = (pqp + diff * (diff * q[i * k + i] + 2 * qp[i])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        qp[j] = (qp[j] + diff * q[i * k + j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
  return p;
}
