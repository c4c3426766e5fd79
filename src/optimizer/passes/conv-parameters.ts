/**
 * What the Conv fusions fold into: a Conv's (or ConvTranspose's) constant weight and bias as
 * per-output-channel numbers, constants that vary only along the channel axis, and the
 * rewired node with new weight and bias initializers. A Conv weight is [Cout, Cin/group, k...];
 * a ConvTranspose weight is [Cin, Cout/group, k...], output channel g·Cout/group + j.
 */
import type { Node } from '../../ir/graph.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../../kernels/support/numeric.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import type { GraphIndex } from '../graph-index.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { intAttribute, numbersOf } from '../node-values.js';

export interface ConvParameters {
  readonly weight: DenseTensor;
  /** Output channels. */
  readonly channels: number;
  /** Per output channel; zeros when the node has no bias. */
  readonly bias: Float64Array;
  /** The output channel of each weight element. */
  readonly channelOf: (element: number) => number;
  /** Weight elements in a row (from a multiple of this) that share one output channel. */
  readonly channelRun: number;
}

/** A Conv or ConvTranspose (ai.onnx): the nodes whose weight and bias these fusions rewrite. */
export function isConvLike(node: Node | undefined): node is Node {
  return node !== undefined && node.domain === '' && (node.opType === 'Conv' || node.opType === 'ConvTranspose');
}

/** The weight element -> output channel map and the channel count, for the node's weight layout. */
function channelLayout(node: Node, weight: DenseTensor): Pick<ConvParameters, 'channels' | 'channelOf' | 'channelRun'> | undefined {
  const inner = weight.size / (weight.dims[0] * weight.dims[1]);
  if (node.opType === 'Conv') {
    const perChannel = weight.size / weight.dims[0];
    return { channels: weight.dims[0], channelOf: (i) => Math.floor(i / perChannel), channelRun: perChannel };
  }
  const group = intAttribute(node, 'group', 1);
  const [inputs, perGroup] = weight.dims;
  if (group < 1 || inputs % group !== 0) return undefined;
  const inputsPerGroup = inputs / group;
  return {
    channels: perGroup * group,
    channelOf: (i) => Math.floor(Math.floor(i / (perGroup * inner)) / inputsPerGroup) * perGroup + (Math.floor(i / inner) % perGroup),
    channelRun: inner,
  };
}

/** The node's weight and bias when both are float constants (an absent bias counts as zeros). */
export function convParameters(conv: Node, index: GraphIndex): ConvParameters | undefined {
  const weight = index.constant(conv.inputs[1]);
  if (!weight || !FLOAT_TYPES.includes(weight.type) || weight.rank < 3 || weight.size === 0) return undefined;
  const layout = channelLayout(conv, weight);
  if (!layout) return undefined;
  if (!conv.inputs[2]) return { weight, ...layout, bias: new Float64Array(layout.channels) };
  const bias = index.constant(conv.inputs[2]);
  const values = bias?.type === weight.type && bias.size === layout.channels ? numbersOf(bias) : undefined;
  return values ? { weight, ...layout, bias: Float64Array.from(values) } : undefined;
}

/**
 * A constant that broadcasts along the channel axis (dim 1) of a rank-`rank` Conv output
 * only, as one value per channel: shapes like [C,1,1], [1,C,1,1], [1] or [].
 */
export function perChannel(tensor: DenseTensor, type: DataType, channels: number, rank: number): Float64Array | undefined {
  if (tensor.type !== type || tensor.rank > rank) return undefined;
  const channelAxis = 1 - (rank - tensor.rank);
  const varying = tensor.dims.findIndex((d, i) => d !== 1 && i !== channelAxis);
  if (varying >= 0) return undefined;
  const along = channelAxis >= 0 ? tensor.dims[channelAxis] : 1;
  if (along !== 1 && along !== channels) return undefined;
  const values = numbersOf(tensor);
  if (!values) return undefined;
  return Float64Array.from({ length: channels }, (_, c) => values[along === 1 ? 0 : c]);
}

/**
 * The weight with output channel c multiplied by scale[c]. The channel is looked up once per
 * run of elements that share it (a Conv's whole filter, a ConvTranspose's kernel window), not
 * per element: 1x1 convolutions have one-element windows.
 */
export function scaledWeight(params: ConvParameters, scale: ArrayLike<number>): DenseTensor {
  const { weight, channelOf, channelRun } = params;
  const values = computeValues(weight) as Float32Array | Float64Array;
  const out = computeBuffer(weight.type, weight.size) as Float32Array | Float64Array;
  for (let start = 0; start < values.length; start += channelRun) {
    const s = scale[channelOf(start)];
    const end = start + channelRun;
    for (let i = start; i < end; i++) out[i] = values[i] * s;
  }
  return tensorFromCompute(weight.type, weight.dims, out);
}

/** The Conv reading new weight/bias initializers (the old ones stay for other readers) and writing `output`. */
export function rewiredConv(
  conv: Node,
  rewrite: GraphRewrite,
  parts: { weight?: DenseTensor; bias: ArrayLike<number>; type: DataType; output: string },
): Node {
  const weightName = parts.weight ? rewrite.freshName(`${conv.inputs[1]}_fused`) : conv.inputs[1];
  if (parts.weight) rewrite.addInitializer(weightName, parts.weight);
  const biasName = rewrite.freshName(`${conv.inputs[2] || `${conv.outputs[0]}_bias`}_fused`);
  const bias = computeBuffer(parts.type, parts.bias.length) as Float32Array | Float64Array;
  bias.set(parts.bias);
  rewrite.addInitializer(biasName, tensorFromCompute(parts.type, [parts.bias.length], bias));
  return { ...conv, inputs: [conv.inputs[0], weightName, biasName], outputs: [parts.output] };
}
