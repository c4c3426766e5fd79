/**
 * Where an attention pattern's Q, K and V heads come from: a projection x·W (+ b) split into
 * heads by Reshape and Transpose, either one projection per part, one packed projection Split
 * in three along its last axis (GPT-2), or one packed projection reshaped to [B, S, 3, H, D],
 * transposed to [3, B, H, S, D] and taken apart by Gather (timm's ViT). Batch and sequence
 * dims may be symbolic; they must be the same symbol wherever the pattern needs them equal.
 */
import type { Node } from '../../ir/graph.js';
import type { Dim } from '../../ir/value-type.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { GraphIndex } from '../graph-index.js';
import { computeValues } from '../../kernels/support/numeric.js';
import { intAttribute, intsAttribute } from '../node-values.js';
import { isOp, otherInput, scalarValue } from '../patterns.js';

export interface Projection {
  /** The MatMul's activation input. */
  readonly x: string;
  /** The MatMul's constant weight [Din, N]; a part of a packed projection owns only `columns` of it. */
  readonly weight: DenseTensor;
  /** [N]; zeros where the projection has no Add: x·W + 0 is x·W exactly. */
  readonly bias: DenseTensor;
  /**
   * The columns of weight and bias that are this projection's. Parts are not copied out when
   * matched: a fusion copies them once, into its packed initializers, and not at all where they
   * put a packed projection back together in its own order (GPT-2's Split in three).
   */
  readonly columns: ColumnRange;
  readonly nodes: readonly Node[];
}

export interface ColumnRange {
  readonly start: number;
  readonly width: number;
}

export interface Heads {
  readonly projection: Projection;
  readonly heads: number;
  readonly size: number;
  readonly batch: Dim;
  readonly seq: Dim;
  /** For parts of a [B, S, 3, H, D] packing: the Transpose all three parts are gathered from, and which part this is. */
  readonly packed?: { readonly source: Node; readonly part: number };
  readonly nodes: readonly Node[];
}

/** Two dims known equal: the same number, or the same named symbol. */
export const sameDim = (a: Dim, b: Dim): boolean => (typeof a === 'number' ? a === b : typeof a === 'string' && a !== '' && a === b);

export const sameShape = (a: readonly Dim[] | undefined, b: readonly Dim[]): boolean => a !== undefined && a.length === b.length && a.every((d, i) => sameDim(d, b[i]));

/** The only reader of `name` (nothing else using it), when it is `opType`. */
export function soleReader(index: GraphIndex, name: string, opType: string, domain = ''): Node | undefined {
  const node = index.onlyConsumer(name);
  return isOp(node, opType, domain) ? node : undefined;
}

/** The producer of `name` when it is `opType` and `reader` is the value's only reader. */
export function soleProducer(index: GraphIndex, name: string, reader: Node, opType: string, domain = ''): Node | undefined {
  const node = index.producer(name);
  return isOp(node, opType, domain) && index.onlyConsumerIs(name, reader) ? node : undefined;
}

export function hasPerm(node: Node, perm: readonly number[]): boolean {
  const p = intsAttribute(node, 'perm');
  return p !== undefined && p.length === perm.length && p.every((d, i) => d === perm[i]);
}

/** A constant float32 [Din, hidden] matrix. */
function weightOf(index: GraphIndex, name: string, hidden: number): DenseTensor | undefined {
  const weight = index.constant(name);
  return weight && weight.type === 'float32' && weight.rank === 2 && weight.dims[1] === hidden ? weight : undefined;
}

/** x·W + b, or x·W alone, with W a constant [Din, hidden] and b a constant [hidden], ending in the value `name` read only by `reader`. */
export function projection(index: GraphIndex, name: string, reader: Node, hidden: number): Projection | undefined {
  const bare = soleProducer(index, name, reader, 'MatMul');
  const bareWeight = bare && weightOf(index, bare.inputs[1], hidden);
  const all = { start: 0, width: hidden };
  if (bare && bareWeight) return { x: bare.inputs[0], weight: bareWeight, bias: new DenseTensor('float32', [hidden], new Float32Array(hidden)), columns: all, nodes: [bare] };
  const add = soleProducer(index, name, reader, 'Add');
  if (!add) return undefined;
  for (const product of add.inputs) {
    const bias = index.constant(otherInput(add, product) ?? '');
    const matmul = soleProducer(index, product, add, 'MatMul');
    const weight = matmul && weightOf(index, matmul.inputs[1], hidden);
    if (!matmul || !bias || !weight || bias.type !== 'float32' || bias.rank !== 1 || bias.dims[0] !== hidden) continue;
    return { x: matmul.inputs[0], weight, bias, columns: all, nodes: [matmul, add] };
  }
  return undefined;
}

/** Columns [start, start + width) of a projection: the part of a packed one that feeds Q, K or V. */
function partOf(packed: Projection, start: number, width: number, extra: readonly Node[]): Projection {
  return { ...packed, columns: { start: packed.columns.start + start, width }, nodes: [...packed.nodes, ...extra] };
}

/** The part sizes of a Split along the last axis of a rank-3 value: constant input (opset 13+), attribute, or equal parts. */
function splitSizes(split: Node, index: GraphIndex, opset: number): number[] | undefined {
  const shape = index.shape(split.inputs[0]);
  const axis = intAttribute(split, 'axis', 0);
  if (!shape || shape.length !== 3 || typeof shape[2] !== 'number' || (axis !== 2 && axis !== -1) || split.attributes.has('num_outputs')) return undefined;
  const width = shape[2];
  const given = opset >= 13 ? (split.inputs[1] ? index.constant(split.inputs[1]) : undefined) : undefined;
  if (opset >= 13 && split.inputs[1] && !given) return undefined;
  const sizes = given ? Array.from(computeValues(given) as ArrayLike<number | bigint>, Number) : intsAttribute(split, 'split');
  if (sizes) return sizes.reduce((a, b) => a + b, 0) === width ? [...sizes] : undefined;
  const part = width / split.outputs.length;
  return Number.isInteger(part) ? split.outputs.map(() => part) : undefined;
}

/** One part of a packed projection: Split(x·W + b) along the last axis, `name` being the part read only by `reader`. */
function packedPart(index: GraphIndex, name: string, reader: Node, hidden: number, opset: number): Projection | undefined {
  const split = index.producer(name);
  if (!isOp(split, 'Split') || !index.onlyConsumerIs(name, reader) || split.outputs.some((o) => o === '')) return undefined;
  const sizes = splitSizes(split, index, opset);
  const part = split.outputs.indexOf(name);
  if (!sizes || sizes[part] !== hidden) return undefined;
  const packed = projection(index, split.inputs[0], split, sizes.reduce((a, b) => a + b, 0));
  return packed && partOf(packed, sizes.slice(0, part).reduce((a, b) => a + b, 0), hidden, [split]);
}

/**
 * Reshape of a projection [B, S, (parts·)H·D] into `[B, S, (parts,) H, D]` (the same B and S),
 * ending in `name` read only by `reader`: the heads and their size.
 */
function headSplit(index: GraphIndex, reshape: Node, parts: number): { heads: number; size: number; batch: Dim; seq: Dim } | undefined {
  const split = index.shape(reshape.outputs[0]);
  const source = index.shape(reshape.inputs[0]);
  if (!split || !source || split.length !== 4 + (parts > 1 ? 1 : 0) || source.length !== 3) return undefined;
  const [batch, seq] = split;
  const [heads, size] = split.slice(-2);
  if (parts > 1 && split[2] !== parts) return undefined;
  if (typeof heads !== 'number' || typeof size !== 'number' || !sameShape(source, [batch, seq, parts * heads * size])) return undefined;
  return { heads, size, batch, seq };
}

/** Transpose(Reshape(projection, [B, S, H, D]), perm) ending in `name`, read only by `reader`. */
function headsOf(index: GraphIndex, name: string, reader: Node, perm: readonly number[], opset: number): Heads | undefined {
  const transpose = soleProducer(index, name, reader, 'Transpose');
  if (!transpose || !hasPerm(transpose, perm)) return undefined;
  const reshape = soleProducer(index, transpose.inputs[0], transpose, 'Reshape');
  const split = reshape && headSplit(index, reshape, 1);
  if (!reshape || !split) return undefined;
  const hidden = split.heads * split.size;
  const found = projection(index, reshape.inputs[0], reshape, hidden) ?? packedPart(index, reshape.inputs[0], reshape, hidden, opset);
  return found && { ...split, projection: found, nodes: [...found.nodes, reshape, transpose] };
}

/**
 * Gather(Transpose(Reshape(projection, [B, S, 3, H, D]), [2, 0, 3, 1, 4]), i, axis 0) ending in
 * `name`, read only by `reader`, where the Transpose feeds three such Gathers and nothing else.
 */
function gatheredHeads(index: GraphIndex, name: string, reader: Node): Heads | undefined {
  const gather = soleProducer(index, name, reader, 'Gather');
  const position = gather && index.constant(gather.inputs[1]);
  const part = position && position.rank === 0 ? scalarValue(index, gather.inputs[1]) : undefined;
  if (!gather || part === undefined || intAttribute(gather, 'axis', 0) !== 0 || !Number.isInteger(part) || part < -3 || part > 2) return undefined;
  const transpose = index.producer(gather.inputs[0]);
  if (!isOp(transpose, 'Transpose') || !hasPerm(transpose, [2, 0, 3, 1, 4]) || index.hasHiddenUses(transpose.outputs[0])) return undefined;
  const readers = index.consumers(transpose.outputs[0]);
  if (readers.length !== 3 || readers.some((n) => !isOp(n, 'Gather'))) return undefined;
  const reshape = soleProducer(index, transpose.inputs[0], transpose, 'Reshape');
  const split = reshape && headSplit(index, reshape, 3);
  if (!reshape || !split) return undefined;
  const hidden = split.heads * split.size;
  const packed = projection(index, reshape.inputs[0], reshape, 3 * hidden);
  const which = part < 0 ? part + 3 : part;
  return packed && { ...split, projection: partOf(packed, which * hidden, hidden, [reshape, transpose]), packed: { source: transpose, part: which }, nodes: [...packed.nodes, reshape, transpose, gather] };
}

/** Q or V heads [B, H, S, D]: per-part or Split projections, or a part of a [B, S, 3, H, D] packing. */
export function queryOrValueHeads(index: GraphIndex, name: string, reader: Node, opset: number): Heads | undefined {
  return headsOf(index, name, reader, [0, 2, 1, 3], opset) ?? gatheredHeads(index, name, reader);
}

/** Kᵀ heads [B, H, D, S]: transposed straight from [B, S, H, D], or a gathered K [B, H, S, D] transposed by [0, 1, 3, 2]. */
export function keyHeads(index: GraphIndex, name: string, reader: Node, opset: number): Heads | undefined {
  const direct = headsOf(index, name, reader, [0, 2, 3, 1], opset);
  if (direct) return direct;
  const transpose = soleProducer(index, name, reader, 'Transpose');
  const gathered = transpose && hasPerm(transpose, [0, 1, 3, 2]) ? gatheredHeads(index, transpose.inputs[0], transpose) : undefined;
  return gathered && { ...gathered, nodes: [...gathered.nodes, transpose as Node] };
}

/** Q, K and V heads that are parts of one packing take its three parts, so nothing outside the pattern reads the packing. */
export function packingsComplete(parts: readonly Heads[]): boolean {
  const packed = parts.filter((p) => p.packed);
  if (packed.length === 0) return true;
  return packed.length === 3 && packed.every((p) => p.packed?.source === packed[0].packed?.source) && new Set(packed.map((p) => p.packed?.part)).size === 3;
}

/**
 * The projections' columns of their weights (or biases) side by side, in the order given: a
 * float32 [..., sum of widths] tensor. Parts that are a packed tensor's columns in their own
 * order, all of them, give that tensor itself.
 */
export function concatColumns(parts: readonly Projection[], of: 'weight' | 'bias'): DenseTensor {
  const first = parts[0][of];
  const full = first.dims[first.rank - 1];
  let end = 0;
  for (const p of parts) if (p[of] === first && p.columns.start === end) end += p.columns.width;
  if (end === full && end === parts.reduce((sum, p) => sum + p.columns.width, 0)) return first;
  const rows = first.size / full;
  const width = parts.reduce((sum, p) => sum + p.columns.width, 0);
  const out = new Float32Array(rows * width);
  let at = 0;
  for (const p of parts) {
    const tensor = p[of];
    const values = computeValues(tensor) as Float32Array;
    const stride = tensor.dims[tensor.rank - 1];
    const { start, width: partWidth } = p.columns;
    for (let r = 0; r < rows; r++) out.set(values.subarray(r * stride + start, r * stride + start + partWidth), r * width + at);
    at += partWidth;
  }
  return new DenseTensor('float32', [...first.dims.slice(0, -1), width], out);
}
