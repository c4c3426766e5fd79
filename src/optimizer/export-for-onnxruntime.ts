/**
 * The optimized model as onnxruntime can load it. This runtime's FusedConv applies two
 * activations onnxruntime's FusedConv does not know (HardSwish, QuickGelu); such a node is
 * written out as Conv, the Add of its residual Z when it has one, and the activation as its
 * own node: ai.onnx HardSwish (x · HardSigmoid(x, 1/6, 1/2) below opset 14) or com.microsoft
 * QuickGelu. Channels-last convolutions (the layout level's) go back to planar ones first
 * (passes/layout-export.ts). Everything else is left as it is.
 */
import type { Attribute, Graph, Model, Node } from '../ir/graph.js';
import { claimFreshName, mapSubgraphs, namesIn } from '../ir/subgraphs.js';
import { floatsAttribute, stringAttribute } from './node-values.js';
import { planarLayout } from './passes/layout-export.js';

/** The activations onnxruntime's FusedConv (MLAS) applies. */
const ONNXRUNTIME_FUSED_CONV_ACTIVATIONS: ReadonlySet<string> = new Set(['Relu', 'Tanh', 'Sigmoid', 'LeakyRelu', 'Clip', 'HardSigmoid']);

const HARD_SWISH_OPSET = 14;

function needsSplitting(node: Node): boolean {
  if (node.domain !== 'com.microsoft' || node.opType !== 'FusedConv') return false;
  const activation = stringAttribute(node, 'activation', '');
  return activation !== '' && !ONNXRUNTIME_FUSED_CONV_ACTIVATIONS.has(activation);
}

function floatAttr(value: number): Attribute {
  return { type: 'float', value };
}

/** Conv [+ Add Z] + activation for one FusedConv; `fresh` names the values in between. */
function splitFusedConv(node: Node, opset: number, fresh: (base: string) => string): Node[] {
  const [x, w, b, z] = node.inputs;
  const output = node.outputs[0];
  const attributes = new Map([...node.attributes].filter(([name]) => name !== 'activation' && name !== 'activation_params'));
  const convOut = fresh(`${output}_conv`);
  const nodes: Node[] = [{ ...node, domain: '', opType: 'Conv', inputs: b ? [x, w, b] : [x, w], outputs: [convOut], attributes }];
  let value = convOut;
  if (z) {
    value = fresh(`${output}_residual`);
    nodes.push({ ...node, name: `${node.name}_residual`, domain: '', opType: 'Add', inputs: [convOut, z], outputs: [value], attributes: new Map() });
  }
  const activation = stringAttribute(node, 'activation', '');
  const named = (suffix: string, rest: Omit<Node, 'name'>): Node => ({ ...rest, name: `${node.name}_${suffix}` });
  if (activation === 'QuickGelu') {
    const alpha = floatsAttribute(node, 'activation_params')?.[0] ?? 1;
    nodes.push(named('quick_gelu', { domain: 'com.microsoft', opType: 'QuickGelu', inputs: [value], outputs: [output], attributes: new Map([['alpha', floatAttr(alpha)]]) }));
  } else if (opset >= HARD_SWISH_OPSET) {
    nodes.push(named('hard_swish', { domain: '', opType: 'HardSwish', inputs: [value], outputs: [output], attributes: new Map() }));
  } else {
    const gate = fresh(`${output}_hard_sigmoid`);
    nodes.push(
      named('hard_sigmoid', { domain: '', opType: 'HardSigmoid', inputs: [value], outputs: [gate], attributes: new Map([['alpha', floatAttr(1 / 6)], ['beta', floatAttr(0.5)]]) }),
      named('hard_swish', { domain: '', opType: 'Mul', inputs: [value, gate], outputs: [output], attributes: new Map() }),
    );
  }
  return nodes;
}

function exportGraph(graph: Graph, opset: number, taken: Set<string>): Graph {
  let changed = false;
  const fresh = (base: string): string => claimFreshName(taken, base);
  const nodes = graph.nodes.flatMap((node) => {
    const inner = mapSubgraphs(node, (g) => exportGraph(g, opset, taken));
    if (!needsSplitting(inner)) {
      changed ||= inner !== node;
      return [inner];
    }
    changed = true;
    return splitFusedConv(inner, opset, fresh);
  });
  return changed ? { ...graph, nodes } : graph;
}

export function modelForOnnxruntime(model: Model): Model {
  const planar = planarLayout(model);
  const graph = exportGraph(planar.graph, planar.opsetImports.get('') ?? 1, namesIn(planar.graph));
  return graph === planar.graph ? planar : { ...planar, graph };
}
