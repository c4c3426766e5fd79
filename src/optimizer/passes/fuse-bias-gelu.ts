/**
 * Add(x, constant bias) followed by exact GELU (com.microsoft Gelu, or ai.onnx Gelu with
 * approximate 'none') becomes com.microsoft BiasGelu, as onnxruntime's BiasGeluFusion does;
 * followed by com.microsoft FastGelu without a bias, it becomes FastGelu(x, bias). The
 * bias must be a constant 1-D tensor as long as x's last dimension (a number; the others may
 * be symbolic), and the sum must have no reader but the GELU. Fires only where a registry kernel takes the fused node.
 */
import type { Node } from '../../ir/graph.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { stringAttribute } from '../node-values.js';
import { isOp, otherInput, registryRuns } from '../patterns.js';

/** Where every rewrite starts, and what a graph needs for one. */
const GELUS = ['Gelu', 'FastGelu'];

export const fuseBiasGelu = graphPass({
  name: 'FuseBiasGelu',
  level: 'extended',
  addsDomain: 'com.microsoft',
  anchorOps: GELUS,
  rewrite: nodeRewriter((gelu, index, rewrite, scope) => {
    const exact = isOp(gelu, 'Gelu', 'com.microsoft') || (isOp(gelu, 'Gelu') && stringAttribute(gelu, 'approximate', 'none') === 'none');
    const fast = isOp(gelu, 'FastGelu', 'com.microsoft') && (gelu.inputs[1] ?? '') === '';
    if (!exact && !fast) return false;
    const add = index.producer(gelu.inputs[0]);
    if (!isOp(add, 'Add') || rewrite.isRemoved(add) || !index.onlyConsumerIs(gelu.inputs[0], gelu)) return false;
    for (const x of add.inputs) {
      const bias = otherInput(add, x);
      const tensor = bias ? index.constant(bias) : undefined;
      const shape = index.shape(x);
      if (!bias || !tensor || index.constant(x) || !shape || shape.length === 0) continue;
      if (tensor.rank !== 1 || tensor.dims[0] !== shape[shape.length - 1]) continue;
      const fused: Node = { name: gelu.name, domain: 'com.microsoft', opType: fast ? 'FastGelu' : 'BiasGelu', attributes: new Map(), inputs: [x, bias], outputs: [gelu.outputs[0]] };
      if (!registryRuns(fused, index, scope)) return false;
      rewrite.remove(add);
      rewrite.replace(gelu, fused);
      return true;
    }
    return false;
  }, GELUS),
});
