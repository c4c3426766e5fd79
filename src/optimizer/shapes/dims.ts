/**
 * Arithmetic on dimensions that may be numbers, symbolic names ('batch') or unknown. A name
 * stands for one size throughout the model, so equal names are equal dims; anything that
 * cannot be decided is unknown (undefined), never guessed.
 */
import type { Dim } from '../../ir/value-type.js';

export type Shape = readonly Dim[];

/**
 * The name of min(symbol, bound): a Slice from 0 to a runtime length `symbol` over an axis of
 * `bound` elements (torch.onnx slices position ids from a buffer up to the sequence length).
 * A function of one symbol, so equal names are still equal sizes.
 */
export function boundedDim(symbol: string, bound: number): string {
  return `min(${symbol},${bound})`;
}

/**
 * Whether `b` is min(a, L) with L ≥ 1: broadcasting a with it gives a in every run that
 * succeeds (equal when a ≤ L; when a > L, only L = 1 broadcasts, to a).
 */
function boundedBy(a: Dim, b: Dim): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const bound = /^min\((.+),(\d+)\)$/.exec(b);
  return bound !== null && bound[1] === a && Number(bound[2]) >= 1;
}

/** Two dims under numpy broadcasting; undefined when the result cannot be known. */
export function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (boundedBy(a, b)) return a;
  if (boundedBy(b, a)) return b;
  // A dim that is not 1 decides the result when the other is symbolic or unknown (it must be 1 or equal).
  if (typeof a === 'number' && typeof b !== 'number') return a;
  if (typeof b === 'number' && typeof a !== 'number') return b;
  return undefined;
}

export function broadcastShapes(shapes: readonly (Shape | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(0, ...shapes.map((s) => (s as Shape).length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes as Shape[]) {
      const d = s[s.length - rank + i];
      if (s.length - rank + i >= 0) dim = broadcastDim(dim, d);
    }
    out.push(dim);
  }
  return out;
}

/** The product of dims: a number when all are numbers, a name when exactly one name times 1s. */
export function dimProduct(dims: Shape): Dim {
  let product = 1;
  let symbol: string | undefined;
  for (const d of dims) {
    if (typeof d === 'number') product *= d;
    else if (typeof d === 'string' && symbol === undefined) symbol = d;
    else return undefined;
  }
  if (symbol === undefined) return product;
  return product === 1 ? symbol : product === 0 ? 0 : undefined;
}

/** `axis` made non-negative for `rank`; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}

export function normalizeAxes(axes: readonly number[], rank: number): number[] | undefined {
  const out: number[] = [];
  for (const axis of axes) {
    const a = normalizeAxis(axis, rank);
    if (a === undefined) return undefined;
    out.push(a);
  }
  return out;
}

export function isStaticShape(shape: Shape | undefined): shape is readonly number[] {
  return shape !== undefined && shape.every((d) => typeof d === 'number');
}

/**
 * The size of the -1 in a Reshape: the input's element count divided by the other target
 * dims', cancelling names that appear on both sides.
 */
export function inferredDim(input: Shape, others: Shape): Dim {
  const symbols: string[] = [];
  let numerator = 1;
  for (const d of input) {
    if (typeof d === 'number') numerator *= d;
    else if (typeof d === 'string') symbols.push(d);
    else return undefined;
  }
  let denominator = 1;
  for (const d of others) {
    if (typeof d === 'number') denominator *= d;
    else if (typeof d === 'string') {
      const at = symbols.indexOf(d);
      if (at < 0) return undefined;
      symbols.splice(at, 1);
    } else return undefined;
  }
  if (denominator === 0 || numerator % denominator !== 0) return undefined;
  const ratio = numerator / denominator;
  if (symbols.length === 0) return ratio;
  return symbols.length === 1 && ratio === 1 ? symbols[0] : undefined;
}
