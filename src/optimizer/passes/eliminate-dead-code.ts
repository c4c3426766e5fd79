/**
 * Removing what no graph output depends on: nodes none of whose outputs is read (walking back
 * from the outputs, so whole dead chains go at once) and initializers no node reads. Graph
 * inputs stay, even those with a default initializer: they are part of the model's interface.
 */
import { outerScopeReads } from '../../ir/validate.js';
import { GraphIndex } from '../graph-index.js';
import { graphPass } from '../graph-pass.js';

export const eliminateDeadNodes = graphPass({
  name: 'EliminateDeadNodes',
  level: 'basic',
  rewrite(graph) {
    // Unreachable nodes include one whose outputs nothing reads (a last one): none such, none unreachable.
    const index = new GraphIndex(graph);
    if (graph.nodes.every((node) => node.outputs.some((o) => o !== '' && index.isUsed(o)))) return undefined;
    const producer = new Map<string, number>();
    graph.nodes.forEach((node, i) => node.outputs.forEach((o) => o && producer.set(o, i)));
    const keep = new Set<number>();
    // A worklist rather than one backward sweep, so nodes listed out of order are judged right.
    const needed = graph.outputs.map((o) => o.name);
    for (let name = needed.pop(); name !== undefined; name = needed.pop()) {
      const i = producer.get(name);
      if (i === undefined || keep.has(i)) continue;
      keep.add(i);
      const node = graph.nodes[i];
      needed.push(...node.inputs.filter((n) => n !== ''), ...outerScopeReads(node));
    }
    if (keep.size === graph.nodes.length) return undefined;
    const nodes = graph.nodes.filter((_, i) => keep.has(i));
    const produced = new Set(nodes.flatMap((n) => n.outputs));
    const valueInfo = new Map([...graph.valueInfo].filter(([name]) => produced.has(name)));
    return { graph: { ...graph, nodes, valueInfo }, rewrites: graph.nodes.length - nodes.length };
  },
});

export const removeUnusedInitializers = graphPass({
  name: 'RemoveUnusedInitializers',
  level: 'basic',
  rewrite(graph) {
    if (graph.initializers.size === 0) return undefined;
    const used = new Set<string>();
    for (const v of graph.inputs) used.add(v.name);
    for (const v of graph.outputs) used.add(v.name);
    for (const node of graph.nodes) {
      for (const name of node.inputs) used.add(name);
      for (const name of outerScopeReads(node)) used.add(name);
    }
    let unused = 0;
    graph.initializers.forEach((_, name) => {
      if (!used.has(name)) unused++;
    });
    if (unused === 0) return undefined;
    const initializers = new Map([...graph.initializers].filter(([name]) => used.has(name)));
    return { graph: { ...graph, initializers }, rewrites: unused };
  },
});
