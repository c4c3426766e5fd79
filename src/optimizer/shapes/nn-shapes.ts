/** Shape rules of the compute-heavy ops: convolutions, pools, matrix products, reductions, Resize. */
import type { Node } from '../../ir/graph.js';
import type { Dim } from '../../ir/value-type.js';
import { dataTypeFromOnnx } from '../../tensor/element-type.js';
import { intAttribute, intsAttribute, numbersOf, stringAttribute } from '../node-values.js';
import { broadcastShapes, normalizeAxes, type Shape } from './dims.js';
import { elementTypeOf, numbersIn, shapeOf, tensorType, type ShapeRule } from './shape-rule.js';

/** Spatial output sizes of a sliding window (Conv, pools with floor rounding). */
function windowDims(node: Node, input: Shape, kernel: readonly number[]): Dim[] {
  const rank = kernel.length;
  const strides = intsAttribute(node, 'strides') ?? kernel.map(() => 1);
  const dilations = intsAttribute(node, 'dilations') ?? kernel.map(() => 1);
  const pads = intsAttribute(node, 'pads') ?? kernel.map(() => 0).concat(kernel.map(() => 0));
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  return input.map((size, i) => {
    if (typeof size !== 'number') return undefined;
    const window = dilations[i] * (kernel[i] - 1) + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / strides[i]);
    const padded = autoPad === 'VALID' ? size : size + pads[i] + pads[i + rank];
    return Math.floor((padded - window) / strides[i]) + 1;
  });
}

const conv: ShapeRule = (node, inputs) => {
  const x = shapeOf(inputs, 0);
  const w = shapeOf(inputs, 1);
  const type = elementTypeOf(inputs, 0);
  if (!x || x.length < 3) return [tensorType(type, undefined)];
  const kernel = intsAttribute(node, 'kernel_shape') ?? w?.slice(2);
  const spatial = kernel?.every((k): k is number => typeof k === 'number') && kernel.length === x.length - 2
    ? windowDims(node, x.slice(2), kernel)
    : x.slice(2).map(() => undefined);
  return [tensorType(type, [x[0], w?.[0], ...spatial])];
};

const convTranspose: ShapeRule = (node, inputs) => {
  const x = shapeOf(inputs, 0);
  const w = shapeOf(inputs, 1);
  const type = elementTypeOf(inputs, 0);
  if (!x || x.length < 3) return [tensorType(type, undefined)];
  const group = intAttribute(node, 'group', 1);
  const channels = typeof w?.[1] === 'number' ? w[1] * group : undefined;
  const given = intsAttribute(node, 'output_shape');
  if (given) return [tensorType(type, [x[0], channels, ...given.slice(-(x.length - 2))])];
  const kernel = intsAttribute(node, 'kernel_shape') ?? w?.slice(2);
  const rank = x.length - 2;
  const strides = intsAttribute(node, 'strides') ?? Array<number>(rank).fill(1);
  const dilations = intsAttribute(node, 'dilations') ?? Array<number>(rank).fill(1);
  const outputPadding = intsAttribute(node, 'output_padding') ?? Array<number>(rank).fill(0);
  const pads = intsAttribute(node, 'pads') ?? Array<number>(2 * rank).fill(0);
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  const spatial = x.slice(2).map((size, i) => {
    const k = kernel?.[i];
    if (typeof size !== 'number' || typeof k !== 'number') return undefined;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return size * strides[i];
    const padding = autoPad === 'VALID' ? 0 : pads[i] + pads[i + rank];
    return strides[i] * (size - 1) + outputPadding[i] + (k - 1) * dilations[i] + 1 - padding;
  });
  return [tensorType(type, [x[0], channels, ...spatial])];
};

const pool: ShapeRule = (node, inputs) => {
  const x = shapeOf(inputs, 0);
  const type = elementTypeOf(inputs, 0);
  const kernel = intsAttribute(node, 'kernel_shape');
  // Ceil rounding has version-specific corrections; its sizes are left unknown rather than risked.
  const shape = x && x.length >= 3 && kernel?.length === x.length - 2
    ? [x[0], x[1], ...(intAttribute(node, 'ceil_mode', 0) === 0 ? windowDims(node, x.slice(2), kernel) : kernel.map(() => undefined))]
    : undefined;
  return [tensorType(type, shape), tensorType('int64', shape)];
};

const globalPool: ShapeRule = (_node, inputs) => {
  const x = shapeOf(inputs, 0);
  return [tensorType(elementTypeOf(inputs, 0), x && x.length >= 2 ? [x[0], x[1], ...x.slice(2).map(() => 1)] : undefined)];
};

const gemm: ShapeRule = (node, inputs) => {
  const a = shapeOf(inputs, 0);
  const b = shapeOf(inputs, 1);
  const m = a?.length === 2 ? a[intAttribute(node, 'transA', 0) ? 1 : 0] : undefined;
  const n = b?.length === 2 ? b[intAttribute(node, 'transB', 0) ? 0 : 1] : undefined;
  return [tensorType(elementTypeOf(inputs, 0), [m, n])];
};

/** numpy matmul shapes; FusedMatMul's transA/transB swap the last two dims first. */
function matmul(outputType?: 'int32'): ShapeRule {
  return (node, inputs) => {
    const type = outputType ?? elementTypeOf(inputs, 0);
    let a = shapeOf(inputs, 0);
    let b = shapeOf(inputs, 1);
    if (!a || !b || a.length === 0 || b.length === 0) return [tensorType(type, undefined)];
    const swap = (s: Shape): Shape => (s.length >= 2 ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
    if (node.domain === 'com.microsoft') {
      if (intAttribute(node, 'transBatchA', 0) || intAttribute(node, 'transBatchB', 0)) return [tensorType(type, undefined)];
      if (intAttribute(node, 'transA', 0)) a = swap(a);
      if (intAttribute(node, 'transB', 0)) b = swap(b);
    }
    const a2 = a.length === 1 ? [1, a[0]] : a;
    const b2 = b.length === 1 ? [b[0], 1] : b;
    const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)]);
    if (!batch) return [tensorType(type, undefined)];
    const dims = [...batch, ...(a.length === 1 ? [] : [a2[a2.length - 2]]), ...(b.length === 1 ? [] : [b2[b2.length - 1]])];
    return [tensorType(type, dims)];
  };
}

/** Reductions: axes from the attribute, or from input 1 from `axesInputSince` on. */
function reduce(axesInputSince: number, outputType?: 'int64'): ShapeRule {
  return (node, inputs, opset) => {
    const x = shapeOf(inputs, 0);
    const type = outputType ?? elementTypeOf(inputs, 0);
    if (!x) return [tensorType(type, undefined)];
    const keep = intAttribute(node, 'keepdims', 1) === 1;
    let axes: readonly number[] | undefined;
    if (outputType) axes = [intAttribute(node, 'axis', 0)];
    else if (opset < axesInputSince) axes = intsAttribute(node, 'axes') ?? [];
    else axes = node.inputs[1] ? numbersIn(inputs, 1) : [];
    if (!axes) return [tensorType(type, keep ? x.map(() => undefined) : undefined)];
    if (axes.length === 0 && intAttribute(node, 'noop_with_empty_axes', 0) === 1) return [inputs[0].type];
    const reduced = axes.length === 0 ? x.map((_, i) => i) : normalizeAxes(axes, x.length);
    if (!reduced) return [tensorType(type, undefined)];
    const dims = keep ? x.map((d, i) => (reduced.includes(i) ? 1 : d)) : x.filter((_, i) => !reduced.includes(i));
    return [tensorType(type, dims)];
  };
}

const REDUCE_OPS = ['ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];

/** Resize/Upsample: sizes when given, else floor(dim * scale) with the scale in float32 as kernels hold it. */
const resize: ShapeRule = (node, inputs, opset) => {
  const x = shapeOf(inputs, 0);
  const type = elementTypeOf(inputs, 0);
  if (!x) return [tensorType(type, undefined)];
  const policy = stringAttribute(node, 'keep_aspect_ratio_policy', 'stretch');
  if (node.attributes.has('axes') || policy !== 'stretch' || stringAttribute(node, 'coordinate_transformation_mode', '') === 'tf_crop_and_resize') {
    return [tensorType(type, x.map(() => undefined))];
  }
  const sizes = node.opType === 'Resize' && opset >= 11 && node.inputs[3] ? inputs[3]?.elements : undefined;
  if (sizes?.length === x.length) return [tensorType(type, sizes)];
  const scalesInput = node.opType === 'Upsample' ? (opset >= 9 ? 1 : -1) : opset >= 11 ? 2 : 1;
  const scalesValue = scalesInput >= 0 ? inputs[scalesInput]?.value : undefined;
  const scales = scalesInput < 0 ? node.attributes.get('scales') : undefined;
  const values = scalesValue ? numbersOf(scalesValue) : scales?.type === 'floats' ? scales.value : undefined;
  if (!values || values.length !== x.length) return [tensorType(type, x.map(() => undefined))];
  return [tensorType(type, x.map((d, i) => (values[i] === 1 ? d : typeof d === 'number' ? Math.floor(Math.fround(d * values[i])) : undefined)))];
};

export const nnShapeRules: [string, ShapeRule][] = [
  ['Conv', conv],
  ['com.microsoft:FusedConv', conv],
  ['ConvInteger', (node, inputs, opset) => [tensorType('int32', conv(node, inputs, opset)[0]?.shape)]],
  ['ConvTranspose', convTranspose],
  ['MaxPool', pool],
  ['AveragePool', pool],
  ['LpPool', pool],
  ['GlobalAveragePool', globalPool],
  ['GlobalMaxPool', globalPool],
  ['GlobalLpPool', globalPool],
  ['Gemm', gemm],
  ['com.microsoft:FusedGemm', gemm],
  ['MatMul', matmul()],
  ['com.microsoft:FusedMatMul', matmul()],
  ['MatMulInteger', matmul('int32')],
  ['ReduceSum', reduce(13)],
  ...REDUCE_OPS.map((op): [string, ShapeRule] => [op, reduce(18)]),
  ['ArgMax', reduce(Infinity, 'int64')],
  ['ArgMin', reduce(Infinity, 'int64')],
  ['Resize', resize],
  ['Upsample', resize],
  ['QuantizeLinear', (node, inputs) => {
    // The zero point's type, else output_dtype (opset 21), else uint8.
    const declared = node.attributes.has('output_dtype') ? dataTypeFromOnnx(intAttribute(node, 'output_dtype', 0)) : 'uint8';
    return [tensorType(node.inputs[2] ? elementTypeOf(inputs, 2) : declared, shapeOf(inputs, 0))];
  }],
  ['DequantizeLinear', (_node, inputs) => [tensorType(elementTypeOf(inputs, 1), shapeOf(inputs, 0))]],
];
