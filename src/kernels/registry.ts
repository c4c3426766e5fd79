/**
 * Kernels keyed by domain and op type, each serving an opset range and a set of element types.
 * Lookup happens in two steps: by (domain, op, opset) at plan time, then by input types when
 * the types are known. A miss names what failed: the op, the opset or the types.
 */
import { KernelNotFoundError, type NodeContext } from '../errors/errors.js';
import type { DataType } from '../tensor/element-type.js';
import type { KernelDefinition } from './kernel.js';

function key(domain: string, opType: string): string {
  return `${domain}:${opType}`;
}

function formatRange(k: KernelDefinition): string {
  return k.untilVersion === undefined ? `${k.sinceVersion}+` : `${k.sinceVersion}-${k.untilVersion}`;
}

export class KernelRegistry {
  private readonly byOp = new Map<string, KernelDefinition[]>();

  register(...definitions: readonly KernelDefinition[]): this {
    for (const d of definitions) {
      const k = key(d.domain, d.opType);
      const list = this.byOp.get(k) ?? [];
      // Later registrations win, so a backend registered after cpu-js overrides it.
      list.unshift(d);
      this.byOp.set(k, list);
    }
    return this;
  }

  has(domain: string, opType: string): boolean {
    return this.byOp.has(key(domain, opType));
  }

  /** Whether some kernel of this op covers `opset` (types aside). */
  serves(domain: string, opType: string, opset: number): boolean {
    const all = this.byOp.get(key(domain, opType)) ?? [];
    return all.some((k) => k.sinceVersion <= opset && (k.untilVersion === undefined || opset <= k.untilVersion));
  }

  /** The same kernels less those of `opTypes` in `domain`; such ops then run as their function bodies, if any. */
  without(domain: string, opTypes: Iterable<string>): KernelRegistry {
    const copy = new KernelRegistry();
    for (const [k, list] of this.byOp) copy.byOp.set(k, list);
    for (const opType of opTypes) copy.byOp.delete(key(domain, opType));
    return copy;
  }

  /** Every (domain, op) with at least one kernel. */
  operators(): { domain: string; opType: string; ranges: string[] }[] {
    return [...this.byOp.values()].map((list) => ({
      domain: list[0].domain,
      opType: list[0].opType,
      ranges: list.map(formatRange),
    }));
  }

  /** Kernels for this op at this opset, best first; throws when there are none. */
  candidates(node: NodeContext, opset: number): KernelDefinition[] {
    const all = this.byOp.get(key(node.domain, node.opType));
    if (!all) {
      throw new KernelNotFoundError(
        'unknown-op',
        `no kernel implements operator '${node.opType}' in domain '${node.domain || 'ai.onnx'}'`,
        node,
      );
    }
    const matching = all.filter((k) => k.sinceVersion <= opset && (k.untilVersion === undefined || opset <= k.untilVersion));
    if (matching.length === 0) {
      const ranges = [...new Set(all.map(formatRange))].join(', ');
      throw new KernelNotFoundError(
        'opset',
        `no kernel for opset ${opset}; kernels of ${node.opType} cover opsets ${ranges}`,
        node,
      );
    }
    return matching;
  }

  /** The first candidate whose type constraints accept these input types. */
  select(candidates: readonly KernelDefinition[], inputTypes: readonly (DataType | undefined)[], node: NodeContext): KernelDefinition {
    for (const k of candidates) if (acceptsTypes(k, inputTypes)) return k;
    const first = candidates[0];
    const bad = (first.typeConstraints ?? []).find((c) => {
      const t = inputTypes[c.input];
      return t !== undefined && !c.types.includes(t);
    });
    const detail = bad
      ? `input ${bad.input} has type ${inputTypes[bad.input]}, expected one of ${allowedTypes(candidates, bad.input).join(', ')}`
      : `input types (${inputTypes.map((t) => t ?? '-').join(', ')}) are not supported`;
    throw new KernelNotFoundError('types', `no kernel for these types: ${detail}`, node);
  }
}

function acceptsTypes(k: KernelDefinition, inputTypes: readonly (DataType | undefined)[]): boolean {
  return (k.typeConstraints ?? []).every((c) => {
    const t = inputTypes[c.input];
    return t === undefined || c.types.includes(t);
  });
}

function allowedTypes(candidates: readonly KernelDefinition[], input: number): DataType[] {
  const types = new Set<DataType>();
  for (const k of candidates) for (const c of k.typeConstraints ?? []) if (c.input === input) c.types.forEach((t) => types.add(t));
  return [...types];
}
