/**
 * Conv (or ConvTranspose) followed by an inference-mode BatchNormalization becomes one node:
 * the normalization is a per-channel scale and shift, folded into the weight (W * s) and bias
 * ((B - mean) * s + beta), s = gamma / sqrt(var + epsilon). Only when the BatchNormalization
 * is the convolution output's only reader, and all parameters are constants.
 */
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { floatAttribute, intAttribute, numbersOf } from '../node-values.js';
import { isOp } from '../patterns.js';
import { convParameters, isConvLike, rewiredConv, scaledWeight } from './conv-parameters.js';

/** Where every rewrite starts, and what a graph needs for one. */
const BATCH_NORMS = ['BatchNormalization'];

export const fuseConvBatchNorm = graphPass({
  name: 'FuseConvBatchNorm',
  level: 'extended',
  anchorOps: BATCH_NORMS,
  rewrite: nodeRewriter((bn, index, rewrite) => {
    if (!isOp(bn, 'BatchNormalization') || bn.inputs.length !== 5) return false;
    // Training mode (opset 14+) and per-activation statistics (spatial=0 before opset 9) are not a per-channel affine map.
    if (intAttribute(bn, 'training_mode', 0) !== 0 || intAttribute(bn, 'spatial', 1) !== 1) return false;
    if (bn.outputs.slice(1).some((o) => o !== '' && index.isUsed(o))) return false;
    const conv = index.producer(bn.inputs[0]);
    if (!isConvLike(conv) || rewrite.isRemoved(conv) || !index.onlyConsumerIs(bn.inputs[0], bn)) return false;
    const params = convParameters(conv, index);
    if (!params) return false;
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((name) => {
      const t = index.constant(name);
      return t?.type === params.weight.type && t.size === params.channels ? numbersOf(t) : undefined;
    });
    if (!gamma || !beta || !mean || !variance) return false;
    const epsilon = floatAttribute(bn, 'epsilon', 1e-5);
    const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
    const bias = scale.map((s, c) => (params.bias[c] - mean[c]) * s + beta[c]);
    rewrite.remove(conv);
    rewrite.replace(bn, rewiredConv(conv, rewrite, { weight: scaledWeight(params, scale), bias, type: params.weight.type, output: bn.outputs[0] }));
    return true;
  }, BATCH_NORMS),
});
