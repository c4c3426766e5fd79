/**
 * The channels-last layout back in standard ops, for saving a model onnxruntime loads: each
 * com.ms.internal.nhwc Conv becomes Transpose -> Conv (com.microsoft FusedConv with an
 * activation, Conv + Add with only a residual) -> Transpose, and the Transposes that then meet their inverse
 * cancel, so a chain goes back to planar convolutions, transposed only where the layout pass
 * left transposes at its edges for the ops it moved (elementwise ops, Concat).
 */
import type { Graph, Model, Node } from '../../ir/graph.js';
import { claimFreshName, mapSubgraphs, namesIn } from '../../ir/subgraphs.js';
import { NHWC_DOMAIN, TO_NCHW, TO_NHWC } from '../../kernels/nhwc/nhwc-layout.js';
import { KernelRegistry } from '../../kernels/registry.js';
import type { PassContext } from '../pass.js';
import { eliminateDeadNodes } from './eliminate-dead-code.js';
import { transposeNode } from './layout-nodes.js';
import { mergeTransposes } from './merge-transposes.js';

/**
 * One channels-last Conv as planar ops: with an activation, com.microsoft FusedConv (taking Z
 * too); with only a residual Z, Conv then Add; else Conv.
 */
function planarConv(node: Node, fresh: (base: string) => string): Node[] {
  const [x, w, b = '', z = ''] = node.inputs;
  const y = node.outputs[0];
  const fused = node.attributes.has('activation');
  const xPlanar = fresh(`${x}_nchw`);
  const zPlanar = z ? fresh(`${z}_nchw`) : '';
  const yPlanar = fresh(`${y}_nchw`);
  const convOut = z && !fused ? fresh(`${y}_conv`) : yPlanar;
  const inputs = [xPlanar, w];
  if (b || (fused && z)) inputs.push(b);
  if (fused && z) inputs.push(zPlanar);
  return [
    transposeNode(`${node.name}_x_nchw`, x, xPlanar, TO_NCHW),
    ...(z ? [transposeNode(`${node.name}_z_nchw`, z, zPlanar, TO_NCHW)] : []),
    { ...node, domain: fused ? 'com.microsoft' : '', opType: fused ? 'FusedConv' : 'Conv', inputs, outputs: [convOut] },
    ...(z && !fused ? [{ name: `${node.name}_residual`, opType: 'Add', domain: '', inputs: [convOut, zPlanar], outputs: [yPlanar], attributes: new Map() }] : []),
    transposeNode(`${node.name}_y_nhwc`, yPlanar, y, TO_NHWC),
  ];
}

function expandGraph(graph: Graph, taken: Set<string>): Graph {
  let changed = false;
  const fresh = (base: string): string => claimFreshName(taken, base);
  const nodes = graph.nodes.flatMap((node) => {
    const inner = mapSubgraphs(node, (g) => expandGraph(g, taken));
    changed ||= inner !== node;
    if (inner.domain !== NHWC_DOMAIN || inner.opType !== 'Conv') return [inner];
    changed = true;
    return planarConv(inner, fresh);
  });
  return changed ? { ...graph, nodes } : graph;
}

/** `model` with no channels-last ops left (and no import of their domain); the same model when it has none. */
export function planarLayout(model: Model): Model {
  if (!model.opsetImports.has(NHWC_DOMAIN)) return model;
  const graph = expandGraph(model.graph, namesIn(model.graph));
  const opsetImports = new Map([...model.opsetImports].filter(([domain]) => domain !== NHWC_DOMAIN));
  if (!opsetImports.has('com.microsoft')) opsetImports.set('com.microsoft', 1);
  let current: Model = { ...model, graph, opsetImports };
  // Neither pass runs kernels: an empty registry serves.
  const context: PassContext = { registry: new KernelRegistry(), freeDimensionOverrides: new Map(), fired: () => undefined };
  for (let changed = true; changed; ) {
    changed = false;
    for (const pass of [mergeTransposes, eliminateDeadNodes]) {
      const result = pass.run(current, context);
      if (result !== 'unchanged') [current, changed] = [result, true];
    }
  }
  return current;
}
