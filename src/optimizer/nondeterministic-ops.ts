/** ai.onnx ops whose outputs may differ between runs: never folded, never merged. */
export const NONDETERMINISTIC_OPS: ReadonlySet<string> = new Set([
  'RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Multinomial', 'Bernoulli',
  // Random in training mode; inference-mode Dropout is removed by EliminateDropout instead.
  'Dropout',
]);
