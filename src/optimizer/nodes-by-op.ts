/**
 * A node list's nodes of given op types, in list order. Most passes start every rewrite from a
 * node of one or two op types; walking just those spares a visit per node per pass per round.
 */
import type { Node } from '../ir/graph.js';

/** Positions by op type (any domain), per node list: lists are immutable and every pass asks. */
const positionsByNodes = new WeakMap<readonly Node[], ReadonlyMap<string, readonly number[]>>();

function positionsOf(nodes: readonly Node[]): ReadonlyMap<string, readonly number[]> {
  let positions = positionsByNodes.get(nodes);
  if (!positions) {
    const found = new Map<string, number[]>();
    nodes.forEach((node, at) => {
      const list = found.get(node.opType);
      if (list) list.push(at);
      else found.set(node.opType, [at]);
    });
    positionsByNodes.set(nodes, (positions = found));
  }
  return positions;
}

export function nodesOfOps(nodes: readonly Node[], opTypes: readonly string[]): readonly Node[] {
  const positions = positionsOf(nodes);
  const at: number[] = [];
  for (const op of opTypes) for (const p of positions.get(op) ?? []) at.push(p);
  if (opTypes.length > 1) at.sort((a, b) => a - b);
  return at.map((p) => nodes[p]);
}
