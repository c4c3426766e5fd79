/** Which fusions the optimizer's level 'all' applies to a model, for the suite and zoo fusion reports. */
import type { KernelRegistry } from '../../src/kernels/registry.js';
import { optimizeModel } from '../../src/optimizer/optimize-model.js';
import { inlineModelFunctions } from '../../src/plan/inline-functions.js';
import { irOf } from './support.js';

export interface FusionsFired {
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  /** Rewrite counts per pass, the clean-up and inference passes left out. */
  readonly fusions: ReadonlyMap<string, number>;
}

const NOT_FUSIONS = new Set(['InferShapes', 'FoldConstants']);

export function fusionsFired(bytes: Uint8Array, registry: KernelRegistry): FusionsFired {
  const model = inlineModelFunctions(irOf(bytes), registry);
  const result = optimizeModel(model, { level: 'all', registry });
  const fusions = [...result.fired].filter(([name]) => !NOT_FUSIONS.has(name) && !name.startsWith('Eliminate') && !name.startsWith('Remove'));
  return { nodesBefore: model.graph.nodes.length, nodesAfter: result.model.graph.nodes.length, fusions: new Map(fusions) };
}

export function fusionTableLine(name: string, { nodesBefore, nodesAfter, fusions }: FusionsFired): string {
  const counts = [...fusions].map(([pass, count]) => `${pass} ${count}`).join(', ');
  return `${name.padEnd(26)} ${String(nodesBefore).padStart(4)} -> ${String(nodesAfter).padStart(4)}  ${counts}`;
}
