/**
 * Constant folding through the kernels: a node whose inputs are all constants (its graph's own
 * or, in a subgraph, an enclosing graph's) is run once by its kernel from the registry and its
 * outputs become initializers of its graph. So are Shape and Size of values whose shape
 * inference knows statically. Never folded: random ops, nodes with
 * subgraphs, nodes producing a graph output (the graph would lose the node that names it),
 * DequantizeLinear (folding would expand quantized weights to floats), and nodes whose
 * outputs would grow the model by more than MAX_GROWTH elements.
 */
import type { Node } from '../../ir/graph.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { sizeOf } from '../../tensor/shape.js';
import { evaluateNode } from '../evaluate-node.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter, type GraphScope } from '../graph-pass.js';
import { NONDETERMINISTIC_OPS } from '../nondeterministic-ops.js';
import { shapeRange } from '../shapes/shape-values.js';
import { hasSubgraphs } from '../../ir/subgraphs.js';

const NEVER_FOLDED = new Set([...NONDETERMINISTIC_OPS, 'DequantizeLinear']);
const MAX_GROWTH = 1 << 20;

/** Shape and Size need only the input's shape, which inference may know without its values. */
function foldFromShape(node: Node, index: GraphIndex): DenseTensor | undefined {
  if (node.domain !== '' || (node.opType !== 'Shape' && node.opType !== 'Size') || !node.inputs[0]) return undefined;
  const shape = index.staticShape(node.inputs[0]);
  if (!shape) return undefined;
  if (node.opType === 'Size') return new DenseTensor('int64', [], BigInt64Array.of(BigInt(sizeOf(shape))));
  const dims = shapeRange(shape, node) as number[];
  return new DenseTensor('int64', [dims.length], BigInt64Array.from(dims, BigInt));
}

/** A constant of an enclosing graph, where this graph does not define `name` itself. */
function outerConstant(name: string, index: GraphIndex, scope: GraphScope): DenseTensor | undefined {
  return index.producer(name) || index.isGraphInput(name) || index.graph.initializers.has(name) ? undefined : scope.outerConstant(name);
}

export const foldConstants = graphPass({
  name: 'FoldConstants',
  level: 'basic',
  rewrite: (graph, scope) => {
    // Values folded earlier in this walk count as constants for the nodes after them.
    const folded = new Map<string, DenseTensor>();
    return nodeRewriter((node, index, rewrite) => {
      if (node.outputs.length === 0 || NEVER_FOLDED.has(node.opType) || hasSubgraphs(node)) return false;
      if (node.outputs.some((o) => o !== '' && index.isGraphOutput(o))) return false;
      let outputs: (DenseTensor | undefined)[] | undefined;
      const fromShape = foldFromShape(node, index);
      if (fromShape) {
        outputs = [fromShape];
      } else {
        const inputs = node.inputs.map((name) => (name ? folded.get(name) ?? index.constant(name) ?? outerConstant(name, index, scope) : undefined));
        if (node.inputs.some((name, i) => name !== '' && inputs[i] === undefined)) return false;
        outputs = evaluateNode(node, inputs, scope.registry, scope.opsets.get(node.domain) ?? 1);
        const grown = (outputs ?? []).reduce((n, t) => n + (t?.size ?? 0), 0) - inputs.reduce((n, t) => n + (t?.size ?? 0), 0);
        if (!outputs || grown > MAX_GROWTH) return false;
      }
      rewrite.remove(node);
      node.outputs.forEach((name, i) => {
        const value = outputs?.[i];
        if (!name || !value) return;
        folded.set(name, value);
        rewrite.addInitializer(name, value);
      });
      return true;
    })(graph, scope);
  },
});
