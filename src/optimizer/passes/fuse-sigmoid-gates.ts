/**
 * x times a gate of x, as one node. x·Sigmoid(α·x) (SiLU/Swish when α = 1) becomes
 * com.microsoft QuickGelu with that alpha (float32, where a kernel takes it);
 * x·HardSigmoid(x, 1/6, 1/2) becomes ai.onnx HardSwish (opset 14+). The gate must have no
 * reader but the product.
 */
import type { Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { floatAttribute } from '../node-values.js';
import { isOp, otherInput, registryRuns, scalarValue } from '../patterns.js';

/** The product's operand x and the gate node, for Mul(x, gate(x...)) in either order. */
function gatedProduct(mul: Node, index: GraphIndex, gateOp: string): { x: string; gate: Node } | undefined {
  if (!isOp(mul, 'Mul')) return undefined;
  for (const gated of mul.inputs) {
    const gate = index.producer(gated);
    const x = otherInput(mul, gated);
    if (isOp(gate, gateOp) && x !== undefined && index.onlyConsumerIs(gated, mul)) return { x, gate };
  }
  return undefined;
}

export const fuseQuickGelu = graphPass({
  name: 'FuseQuickGelu',
  level: 'extended',
  addsDomain: 'com.microsoft',
  anchorOps: ['Sigmoid'],
  rewrite: nodeRewriter((mul, index, rewrite, scope) => {
    const found = gatedProduct(mul, index, 'Sigmoid');
    if (!found || rewrite.isRemoved(found.gate) || index.elementType(found.x) !== 'float32') return false;
    const removed = [found.gate];
    let alpha = 1;
    if (found.gate.inputs[0] !== found.x) {
      const scale = index.producer(found.gate.inputs[0]);
      const factor = isOp(scale, 'Mul') ? scalarValue(index, otherInput(scale, found.x)) : undefined;
      if (!scale || factor === undefined || rewrite.isRemoved(scale) || !index.onlyConsumerIs(found.gate.inputs[0], found.gate)) return false;
      alpha = factor;
      removed.push(scale);
    }
    const fused: Node = {
      ...mul, domain: 'com.microsoft', opType: 'QuickGelu', inputs: [found.x], attributes: new Map([['alpha', { type: 'float', value: alpha }]]),
    };
    if (!registryRuns(fused, index, scope)) return false;
    for (const n of removed) rewrite.remove(n);
    rewrite.replace(mul, fused);
    return true;
  }, ['Mul']),
});

export const fuseHardSwish = graphPass({
  name: 'FuseHardSwish',
  level: 'extended',
  anchorOps: ['HardSigmoid'],
  rewrite: nodeRewriter((mul, index, rewrite, scope) => {
    const found = gatedProduct(mul, index, 'HardSigmoid');
    if (!found || rewrite.isRemoved(found.gate) || found.gate.inputs[0] !== found.x) return false;
    const alpha = floatAttribute(found.gate, 'alpha', 0.2);
    const beta = floatAttribute(found.gate, 'beta', 0.5);
    const fused: Node = { ...mul, opType: 'HardSwish', inputs: [found.x], attributes: new Map() };
    if (Math.abs(alpha - 1 / 6) > 1e-6 || Math.abs(beta - 0.5) > 1e-6 || !registryRuns(fused, index, scope)) return false;
    rewrite.remove(found.gate);
    rewrite.replace(mul, fused);
    return true;
  }, ['Mul']),
});
