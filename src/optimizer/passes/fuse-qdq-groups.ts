/**
 * What the QDQ fusions match, as onnxruntime's QDQ selectors do: an op whose float inputs come
 * from DequantizeLinear nodes and whose only reader (after an optional Relu or Clip) is one
 * QuantizeLinear. Every scale and zero point must be a constant with a zero point present, and
 * the 8-bit codes int8 or uint8, so the quantized kernel sees exactly the parameters the float
 * path applies. The DequantizeLinear nodes stay where others read them; dead ones are removed
 * by dead-code elimination.
 */
import type { Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { constantScalar, floatAttribute, intAttribute, numbersOf } from '../node-values.js';
import { isOp } from '../patterns.js';

const CODE_RANGES: Readonly<Record<string, readonly [number, number]>> = { int8: [-128, 127], uint8: [0, 255] };

/** The (codes, scale, zero point) a DequantizeLinear reads, and the axis its parameters run along. */
export interface Dequantized {
  readonly node: Node;
  readonly codes: string;
  readonly scale: string;
  readonly zeroPoint: string;
  readonly scales: readonly number[];
  readonly zeroPoints: readonly number[];
  /** Non-negative; meaningful only when there is more than one scale. */
  readonly axis: number;
}

const EIGHT_BIT_CODES: readonly string[] = ['int8', 'uint8'];

/** `name` when a DequantizeLinear of `codeTypes` codes (8-bit unless told) with constant parameters produces it. */
export function dequantized(index: GraphIndex, name: string | undefined, codeTypes = EIGHT_BIT_CODES): Dequantized | undefined {
  const node = name ? index.producer(name) : undefined;
  if (!isOp(node, 'DequantizeLinear') || intAttribute(node, 'block_size', 0) !== 0 || node.attributes.has('output_dtype')) return undefined;
  const [codes, scale, zeroPoint] = node.inputs;
  if (!codes || !scale || !zeroPoint || !codeTypes.includes(index.elementType(codes) ?? '')) return undefined;
  const scaleTensor = index.constant(scale);
  const zeroTensor = index.constant(zeroPoint);
  if (!scaleTensor || !zeroTensor || scaleTensor.type !== 'float32' || zeroTensor.type !== index.elementType(codes) || zeroTensor.size !== scaleTensor.size) return undefined;
  const rank = index.rank(codes);
  const axis = intAttribute(node, 'axis', 1);
  if (scaleTensor.size > 1 && (rank === undefined || scaleTensor.rank !== 1)) return undefined;
  const scales = numbersOf(scaleTensor) ?? [];
  const zeroPoints = numbersOf(zeroTensor) ?? [];
  return { node, codes, scale, zeroPoint, scales, zeroPoints, axis: axis < 0 ? axis + (rank ?? 0) : axis };
}

/** One scale and one zero point for the whole tensor. */
export function isPerTensor(d: Dequantized): boolean {
  return d.scales.length === 1;
}

/** The QuantizeLinear that ends a group, with its per-tensor parameters. */
export interface QuantizedOutput {
  readonly node: Node;
  readonly scale: string;
  readonly zeroPoint: string;
  readonly type: string;
  readonly scaleValue: number;
  readonly zeroPointValue: number;
  /** Nodes between the fused op and the QuantizeLinear (an absorbed Relu or Clip). */
  readonly absorbed: readonly Node[];
}

/** Clip's bounds from attributes (before opset 11) or constant inputs; undefined when an input is not a known constant. */
function clipBounds(node: Node, index: GraphIndex): [number, number] | undefined {
  if (node.inputs.length <= 1) return [floatAttribute(node, 'min', -Infinity), floatAttribute(node, 'max', Infinity)];
  const lo = node.inputs[1] ? constantScalar(node, 1, index) : -Infinity;
  const hi = node.inputs[2] ? constantScalar(node, 2, index) : Infinity;
  return lo === undefined || hi === undefined ? undefined : [lo, hi];
}

/**
 * Whether quantizing after `activation` gives the codes quantizing without it gives: the
 * activation clamps no value the quantizer's range [(min - zp) · scale, (max - zp) · scale]
 * keeps (a Relu before a quantizer whose zero point is its lowest code, for one).
 */
function isAbsorbed(activation: Node, index: GraphIndex, scale: number, zeroPoint: number, type: string): boolean {
  const [min, max] = CODE_RANGES[type];
  const bounds = isOp(activation, 'Relu') ? [0, Infinity] : isOp(activation, 'Clip') ? clipBounds(activation, index) : undefined;
  return bounds !== undefined && bounds[0] <= (min - zeroPoint) * scale && bounds[1] >= (max - zeroPoint) * scale;
}

/** The QuantizeLinear reading `name` (directly or through an absorbable Relu / Clip), the only reader at each step. */
export function quantizedOutput(index: GraphIndex, name: string): QuantizedOutput | undefined {
  let reader = index.onlyConsumer(name);
  const absorbed: Node[] = [];
  if (reader && (isOp(reader, 'Relu') || isOp(reader, 'Clip')) && reader.inputs[0] === name) {
    absorbed.push(reader);
    reader = index.onlyConsumer(reader.outputs[0]);
  }
  if (!isOp(reader, 'QuantizeLinear') || reader.inputs[0] !== (absorbed[0]?.outputs[0] ?? name)) return undefined;
  const [, scale, zeroPoint] = reader.inputs;
  const scaleTensor = scale ? index.constant(scale) : undefined;
  const zeroTensor = zeroPoint ? index.constant(zeroPoint) : undefined;
  if (!scale || !zeroPoint || scaleTensor?.type !== 'float32' || scaleTensor.size !== 1 || zeroTensor?.size !== 1) return undefined;
  if (!CODE_RANGES[zeroTensor.type] || reader.attributes.has('output_dtype')) return undefined;
  const scaleValue = (numbersOf(scaleTensor) ?? [])[0];
  const zeroValue = (numbersOf(zeroTensor) ?? [])[0];
  if (absorbed.some((a) => !isAbsorbed(a, index, scaleValue, zeroValue, zeroTensor.type))) return undefined;
  return { node: reader, scale, zeroPoint, type: zeroTensor.type, scaleValue, zeroPointValue: zeroValue, absorbed };
}

/**
 * The 8-bit pairs onnxruntime's QLinearConv and QLinearMatMul kernels take (x, w): int8 data
 * with uint8 weights has none, so such groups stay unfused where the saved model must load there.
 */
export function onnxruntimeTakesPair(index: GraphIndex, x: Dequantized, w: Dequantized): boolean {
  return !(index.elementType(x.codes) === 'int8' && index.elementType(w.codes) === 'uint8');
}

/** Every element of a constant's values the same. */
export function isUniform(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}
