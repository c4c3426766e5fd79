/**
 * What the Conv fusions fold into: a Conv's constant weight and bias as per-output-channel
 * numbers, constants that vary only along the channel axis, and the rewired Conv with new
 * weight and bias initializers.
 */
import type { Node } from '../../ir/graph.js';
import { computeBuffer, tensorFromCompute } from '../../kernels/support/numeric.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import type { GraphIndex } from '../graph-index.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { numbersOf } from '../node-values.js';

export interface ConvParameters {
  readonly weight: DenseTensor;
  /** Output channels (the weight's first dim). */
  readonly channels: number;
  /** Per output channel; zeros when the Conv has no bias. */
  readonly bias: Float64Array;
}

/** The Conv's weight and bias when both are float constants (an absent bias counts as zeros). */
export function convParameters(conv: Node, index: GraphIndex): ConvParameters | undefined {
  const weight = index.constant(conv.inputs[1]);
  if (!weight || !FLOAT_TYPES.includes(weight.type) || weight.rank < 3) return undefined;
  const channels = weight.dims[0];
  if (!conv.inputs[2]) return { weight, channels, bias: new Float64Array(channels) };
  const bias = index.constant(conv.inputs[2]);
  const values = bias?.type === weight.type && bias.size === channels ? numbersOf(bias) : undefined;
  return values ? { weight, channels, bias: Float64Array.from(values) } : undefined;
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

/** The weight with output channel c multiplied by scale[c]. */
export function scaledWeight(weight: DenseTensor, scale: ArrayLike<number>): DenseTensor {
  const values = numbersOf(weight) as number[];
  const perChannelSize = weight.size / weight.dims[0];
  const out = computeBuffer(weight.type, weight.size) as Float32Array | Float64Array;
  for (let i = 0; i < values.length; i++) out[i] = values[i] * scale[Math.floor(i / perChannelSize)];
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
