/**
 * Op patterns real exporters write that the builder's layer methods do not: torch.onnx's
 * shape arithmetic for dynamic axes (Shape -> Gather -> Unsqueeze -> Concat -> Reshape),
 * reductions with axes as an attribute (opset < 18), layer norm decomposed into its arithmetic
 * (exports before opset 17), Dropout, LRN and ConvTranspose.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import type { GraphBuilder, Value } from '../../graph-builder.js';

const NEAR_ONE = { kind: 'uniform', low: 0.9, high: 1.1 } as const;
const NEAR_ZERO = { kind: 'uniform', low: -0.05, high: 0.05 } as const;

/** A 0-d int64 initializer in the current scope (torch.onnx's `Gather` indices). */
export function int64Scalar(b: GraphBuilder, suffix: string, value: number): Value {
  return b.initializer(suffix, new DenseTensor('int64', [], BigInt64Array.of(BigInt(value))));
}

/** Shape(x)[axis] as a 0-d int64, exported as Shape then Gather of a scalar index. */
export function dimOf(b: GraphBuilder, x: Value, axis: number): Value {
  const shape = b.emit('Shape', [x], [{ type: 'int64', shape: [x.shape.length] }])[0];
  return b.emit('Gather', [shape, int64Scalar(b, `dim_index_${axis}`, axis)], [{ type: 'int64', shape: [] }], { axis: { i: 0 } })[0];
}

/**
 * Reshape whose target mixes runtime dims (0-d int64 values) and literals, built as
 * Unsqueeze each part to [1] and Concat: the graph a `x.view(b, s, h, d)` with dynamic b and s exports.
 */
export function dynamicReshape(b: GraphBuilder, x: Value, parts: readonly (Value | number)[], shape: readonly number[]): Value {
  const pieces = parts.map((p) => (typeof p === 'number' ? b.int64s([p]) : b.unsqueeze(p, [0])));
  const target = b.concat(pieces, 0);
  return b.emit('Reshape', [x, target], [{ type: x.type, shape }])[0];
}

/** ReduceMean with axes as an attribute (opset 1-17). */
export function reduceMean(b: GraphBuilder, x: Value, axes: readonly number[], keepdims: boolean): Value {
  const rank = x.shape.length;
  const reduced = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const shape = keepdims ? x.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : x.shape.filter((_, i) => !reduced.has(i));
  return b.emit('ReduceMean', [x], [{ type: x.type, shape }], { axes: { ints: axes }, keepdims: { i: keepdims ? 1 : 0 } })[0];
}

/** nn.LayerNorm as exports before opset 17 write it: mean, centre, variance, Sqrt, Div, affine. */
export function decomposedLayerNorm(b: GraphBuilder, x: Value, epsilon: number): Value {
  const d = x.shape[x.shape.length - 1];
  const centred = b.sub(x, reduceMean(b, x, [-1], true));
  const variance = reduceMean(b, b.pow(centred, 2), [-1], true);
  const normed = b.div(centred, b.emit('Sqrt', [b.add(variance, epsilon)], [variance])[0]);
  return b.add(b.mul(normed, b.parameter('weight', [d], NEAR_ONE)), b.parameter('bias', [d], NEAR_ZERO));
}

/** Inference Dropout at opset 12+ (no ratio input): an identity the runtime should drop. */
export function dropout(b: GraphBuilder, x: Value): Value {
  return b.emit('Dropout', [x], [x])[0];
}

/** Dropout with its ratio as an attribute (opset 7-11); `mask` adds the optional second output. */
export function dropoutWithRatio(b: GraphBuilder, x: Value, ratio: number, mask = false): Value {
  const outs = mask ? [x, { type: 'bool' as const, shape: x.shape }] : [x];
  return b.emit('Dropout', [x], outs, { ratio: { f: ratio } })[0];
}

export function lrn(b: GraphBuilder, x: Value, size: number, alpha = 1e-4, beta = 0.75, bias = 1): Value {
  return b.emit('LRN', [x], [x], { alpha: { f: alpha }, beta: { f: beta }, bias: { f: bias }, size: { i: size } })[0];
}

/** nn.ConvTranspose2d with kernel = stride (a UNet up-step); weight [in, out, k, k]. */
export function convTranspose(b: GraphBuilder, x: Value, out: number, kernel: number, stride: number): Value {
  const [n, c, h, w] = x.shape;
  const fanIn = out * kernel * kernel;
  const weight = b.parameter('weight', [c, out, kernel, kernel], { kind: 'he', fanIn: c * kernel * kernel });
  const bound = 1 / Math.sqrt(fanIn);
  const bias = b.parameter('bias', [out], { kind: 'uniform', low: -bound, high: bound });
  const shape = [n, out, (h - 1) * stride + kernel, (w - 1) * stride + kernel];
  return b.emit('ConvTranspose', [x, weight, bias], [{ type: x.type, shape }], {
    dilations: { ints: [1, 1] },
    group: { i: 1 },
    kernel_shape: { ints: [kernel, kernel] },
    pads: { ints: [0, 0, 0, 0] },
    strides: { ints: [stride, stride] },
  })[0];
}

export type RecurrentOp = 'LSTM' | 'GRU';

/** MaxPool as opsets 1-9 write it: no ceil_mode or dilations attribute. */
export function legacyMaxPool(b: GraphBuilder, x: Value, kernel: number, stride = kernel): Value {
  const [n, c, h, w] = x.shape;
  const out = (size: number) => Math.floor((size - kernel) / stride) + 1;
  return b.emit('MaxPool', [x], [{ type: x.type, shape: [n, c, out(h), out(w)] }], {
    kernel_shape: { ints: [kernel, kernel] },
    pads: { ints: [0, 0, 0, 0] },
    strides: { ints: [stride, stride] },
  })[0];
}
