/**
 * DequantizeLinear(x), DequantizeLinear(w) [, DequantizeLinear(bias)] -> Conv [-> Relu | Clip]
 * -> QuantizeLinear becomes one QLinearConv over the 8-bit codes, so the weights stay int8 and
 * are never dequantized at run time. x is quantized per tensor; w per tensor or per output
 * channel (axis 0) with one zero point for every channel (onnxruntime's QLinearConv requires
 * it); the bias int32 at scale x_scale · w_scale with zero point 0, as the quantization tool
 * writes it.
 */
import type { Node } from '../../ir/graph.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { isOp, registryRuns } from '../patterns.js';
import { dequantized, isPerTensor, onnxruntimeTakesPair, isUniform, quantizedOutput, type Dequantized } from './fuse-qdq-groups.js';

/** How far a bias scale may stray from x_scale · w_scale (float32 products written by other tools). */
const BIAS_SCALE_TOLERANCE = 1e-5;

function weightFits(w: Dequantized, outChannels: number | undefined): boolean {
  if (!isUniform(w.zeroPoints)) return false;
  return isPerTensor(w) || (w.axis === 0 && w.scales.length === outChannels);
}

/** The int32 codes of a bias quantized at x_scale · w_scale[m] with zero point 0. */
function biasFits(bias: Dequantized, x: Dequantized, w: Dequantized, outChannels: number): boolean {
  if (bias.zeroPoints.some((z) => z !== 0) || (bias.scales.length !== outChannels && bias.scales.length !== 1)) return false;
  for (let m = 0; m < outChannels; m++) {
    const expected = Math.fround(x.scales[0] * w.scales[isPerTensor(w) ? 0 : m]);
    const got = bias.scales[isPerTensor(bias) ? 0 : m];
    if (Math.abs(got - expected) > BIAS_SCALE_TOLERANCE * Math.abs(expected)) return false;
  }
  return true;
}

/** Where every rewrite starts, and what a graph needs for one. */
const CONVS = ['Conv'];

export const fuseQdqConv = graphPass({
  name: 'FuseQdqConv',
  level: 'extended',
  anchorOps: CONVS,
  rewrite: nodeRewriter((conv, index, rewrite, scope) => {
    if (!isOp(conv, 'Conv') || conv.inputs.length < 2) return false;
    const x = dequantized(index, conv.inputs[0]);
    const w = dequantized(index, conv.inputs[1]);
    const outChannels = index.staticShape(conv.inputs[1])?.[0];
    if (!x || !w || outChannels === undefined || !isPerTensor(x) || !index.constant(w.codes) || !weightFits(w, outChannels)) return false;
    if (!onnxruntimeTakesPair(index, x, w)) return false;
    const bias = conv.inputs[2] ? dequantized(index, conv.inputs[2], ['int32']) : undefined;
    if (conv.inputs[2] && (!bias || !biasFits(bias, x, w, outChannels))) return false;
    const y = quantizedOutput(index, conv.outputs[0]);
    if (!y || [conv, ...y.absorbed].some((n) => rewrite.isRemoved(n)) || rewrite.isRemoved(y.node)) return false;
    const fused: Node = {
      ...conv,
      opType: 'QLinearConv',
      inputs: [x.codes, x.scale, x.zeroPoint, w.codes, w.scale, w.zeroPoint, y.scale, y.zeroPoint, ...(bias ? [bias.codes] : [])],
      outputs: [y.node.outputs[0]],
    };
    if (!registryRuns(fused, index, scope)) return false;
    rewrite.replace(conv, fused);
    for (const n of [...y.absorbed, y.node]) rewrite.remove(n);
    return true;
  }, CONVS),
});
