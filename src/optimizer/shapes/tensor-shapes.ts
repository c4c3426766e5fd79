/** Shape rules of ops that create, relabel or move elements: Reshape, Transpose, Concat, Slice, Gather... */
import type { Dim } from '../../ir/value-type.js';
import { dataTypeFromOnnx } from '../../tensor/element-type.js';
import { intAttribute, intsAttribute, numbersOf } from '../node-values.js';
import { boundedDim, broadcastShapes, dimProduct, inferredDim, normalizeAxes, normalizeAxis } from './dims.js';
import { shapeRange } from './shape-values.js';
import { elementTypeOf, listArgument, numbersIn, shapeOf, tensorType, type ShapeRule } from './shape-rule.js';

const reshape: ShapeRule = (node, inputs, opset) => {
  const type = elementTypeOf(inputs, 0);
  const target: readonly Dim[] | undefined = opset < 5 ? intsAttribute(node, 'shape') : inputs[1]?.elements;
  if (!target) return [tensorType(type, undefined)];
  const input = shapeOf(inputs, 0);
  const allowZero = intAttribute(node, 'allowzero', 0) === 1;
  const dims = target.map((d, i): Dim => (d === 0 && !allowZero ? input?.[i] : d));
  const inferred = target.indexOf(-1);
  if (inferred >= 0) dims[inferred] = input ? inferredDim(input, dims.filter((_, i) => i !== inferred)) : undefined;
  return [tensorType(type, dims)];
};

const transpose: ShapeRule = (node, inputs) => {
  const input = shapeOf(inputs, 0);
  if (!input) return [tensorType(elementTypeOf(inputs, 0), undefined)];
  const perm = intsAttribute(node, 'perm') ?? input.map((_, i) => input.length - 1 - i);
  return [tensorType(elementTypeOf(inputs, 0), perm.map((p) => input[p]))];
};

const concat: ShapeRule = (node, inputs) => {
  const type = inputs.map((i) => i.type?.elementType).find((t) => t !== undefined);
  const shapes = inputs.map((i) => i.type?.shape);
  const known = shapes.find((s) => s !== undefined);
  if (!known) return [tensorType(type, undefined)];
  const axis = normalizeAxis(intAttribute(node, 'axis', 0), known.length);
  if (axis === undefined) return [tensorType(type, undefined)];
  const dims = known.map((_, i): Dim => {
    if (i !== axis) return shapes.map((s) => s?.[i]).find((d) => typeof d === 'number') ?? shapes.map((s) => s?.[i]).find((d) => d !== undefined);
    const sizes = shapes.map((s) => s?.[i]);
    return sizes.every((d): d is number => typeof d === 'number') ? sizes.reduce((a, b) => a + b, 0) : undefined;
  });
  return [tensorType(type, dims)];
};

/** Elements a slice keeps along a dim of `size` (ONNX clamping rules). */
function sliceLength(size: number, start: number, end: number, step: number): number {
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const from = clamp(start < 0 ? start + size : start, 0, step > 0 ? size : size - 1);
  const to = clamp(end < 0 ? end + size : end, step > 0 ? 0 : -1, step > 0 ? size : size - 1);
  return Math.max(0, Math.ceil((to - from) / step));
}

/** The length of a Slice from `start` to `end` by `step` over an axis of `size`; a symbolic end is taken from 0 by 1 only. */
function slicedDim(size: Dim, start: number, end: Dim, step: number): Dim {
  if (typeof end === 'string') {
    if (start !== 0 || step !== 1) return undefined;
    if (end === size) return size;
    return typeof size === 'number' && size >= 1 ? boundedDim(end, size) : undefined;
  }
  if (end === undefined) return undefined;
  if (typeof size === 'number') return sliceLength(size, start, end, step);
  return start === 0 && step === 1 && end >= 2 ** 31 - 1 ? size : undefined;
}

const slice: ShapeRule = (node, inputs, opset) => {
  const type = elementTypeOf(inputs, 0);
  const input = shapeOf(inputs, 0);
  if (!input) return [tensorType(type, undefined)];
  const starts = listArgument(node, inputs, opset, 'starts', 1, 10);
  // Ends may hold names: Slice(buffer, 0, Shape(x)[1]) as torch.onnx writes it.
  const ends = opset < 10 ? listArgument(node, inputs, opset, 'ends', 2, 10) : inputs[2]?.elements;
  const axesGiven = listArgument(node, inputs, opset, 'axes', 3, 10);
  const steps = opset < 10 ? 'missing' : listArgument(node, inputs, opset, '', 4, 10);
  if (!Array.isArray(starts) || !Array.isArray(ends) || axesGiven === undefined || steps === undefined) {
    return [tensorType(type, input.map(() => undefined))];
  }
  const axes = axesGiven === 'missing' ? starts.map((_, i) => i) : normalizeAxes(axesGiven, input.length);
  if (!axes) return [tensorType(type, undefined)];
  const dims = [...input];
  axes.forEach((axis, i) => {
    dims[axis] = slicedDim(input[axis], starts[i], ends[i], steps === 'missing' ? 1 : steps[i]);
  });
  return [tensorType(type, dims)];
};

const gather: ShapeRule = (node, inputs) => {
  const data = shapeOf(inputs, 0);
  const indices = shapeOf(inputs, 1);
  const axis = data ? normalizeAxis(intAttribute(node, 'axis', 0), data.length) : undefined;
  const shape = data && indices && axis !== undefined ? [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)] : undefined;
  return [tensorType(elementTypeOf(inputs, 0), shape)];
};

const unsqueeze: ShapeRule = (node, inputs, opset) => {
  const input = shapeOf(inputs, 0);
  const axes = listArgument(node, inputs, opset, 'axes', 1, 13);
  if (!input || !Array.isArray(axes)) return [tensorType(elementTypeOf(inputs, 0), undefined)];
  const rank = input.length + axes.length;
  const positions = normalizeAxes(axes, rank);
  if (!positions) return [tensorType(elementTypeOf(inputs, 0), undefined)];
  const rest = [...input];
  const dims = Array.from({ length: rank }, (_, i): Dim => (positions.includes(i) ? 1 : rest.shift()));
  return [tensorType(elementTypeOf(inputs, 0), dims)];
};

const squeeze: ShapeRule = (node, inputs, opset) => {
  const input = shapeOf(inputs, 0);
  const axes = listArgument(node, inputs, opset, 'axes', 1, 13);
  const type = elementTypeOf(inputs, 0);
  if (!input || axes === undefined) return [tensorType(type, undefined)];
  if (axes === 'missing') {
    // Without axes every 1 goes: only decidable when no dim is symbolic or unknown.
    return [tensorType(type, input.every((d) => typeof d === 'number') ? input.filter((d) => d !== 1) : undefined)];
  }
  const removed = normalizeAxes(axes, input.length);
  return [tensorType(type, removed ? input.filter((_, i) => !removed.includes(i)) : undefined)];
};

const flatten: ShapeRule = (node, inputs) => {
  const input = shapeOf(inputs, 0);
  if (!input) return [tensorType(elementTypeOf(inputs, 0), undefined)];
  const raw = intAttribute(node, 'axis', 1);
  const axis = raw < 0 ? raw + input.length : raw;
  return [tensorType(elementTypeOf(inputs, 0), [dimProduct(input.slice(0, axis)), dimProduct(input.slice(axis))])];
};

const split: ShapeRule = (node, inputs, opset) => {
  const type = elementTypeOf(inputs, 0);
  const input = shapeOf(inputs, 0);
  const count = node.outputs.length;
  const axis = input ? normalizeAxis(intAttribute(node, 'axis', 0), input.length) : undefined;
  if (!input || axis === undefined) return node.outputs.map(() => tensorType(type, undefined));
  const given = listArgument(node, inputs, opset, 'split', 1, 13);
  const size = input[axis];
  let sizes: Dim[];
  if (Array.isArray(given)) sizes = given;
  else if (given === undefined || typeof size !== 'number') sizes = node.outputs.map(() => undefined);
  else if (size % count === 0) sizes = node.outputs.map(() => size / count);
  else if (opset >= 18) {
    // num_outputs that does not divide: every chunk but the last has ceil(size / count).
    const chunk = Math.ceil(size / count);
    sizes = node.outputs.map((_, i) => (i < count - 1 ? chunk : size - chunk * (count - 1)));
  } else sizes = node.outputs.map(() => undefined);
  return sizes.map((d) => tensorType(type, input.map((dim, i) => (i === axis ? d : dim))));
};

const expand: ShapeRule = (_node, inputs) => [tensorType(elementTypeOf(inputs, 0), inputs[1]?.elements ? broadcastShapes([shapeOf(inputs, 0), inputs[1].elements]) : undefined)];

const tile: ShapeRule = (_node, inputs) => {
  const input = shapeOf(inputs, 0);
  const repeats = numbersIn(inputs, 1);
  const dims = input && repeats?.length === input.length
    ? input.map((d, i) => (repeats[i] === 1 ? d : typeof d === 'number' ? d * repeats[i] : undefined))
    : input?.map(() => undefined);
  return [tensorType(elementTypeOf(inputs, 0), dims)];
};

const pad: ShapeRule = (node, inputs, opset) => {
  const input = shapeOf(inputs, 0);
  const pads = listArgument(node, inputs, opset, 'pads', 1, 11);
  const axesGiven = opset >= 18 && node.inputs[3] ? numbersIn(inputs, 3) : input?.map((_, i) => i);
  const axes = axesGiven && input ? normalizeAxes(axesGiven, input.length) : undefined;
  if (!input || !Array.isArray(pads) || !axes || pads.length !== 2 * axes.length) return [tensorType(elementTypeOf(inputs, 0), input?.map(() => undefined))];
  const dims = [...input];
  axes.forEach((axis, i) => {
    const extra = pads[i] + pads[i + axes.length];
    const d = input[axis];
    dims[axis] = extra === 0 ? d : typeof d === 'number' ? d + extra : undefined;
  });
  return [tensorType(elementTypeOf(inputs, 0), dims)];
};

const range: ShapeRule = (_node, inputs) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => {
    const value = inputs[i]?.value;
    return value ? numbersOf(value)?.[0] : undefined;
  });
  const known = start !== undefined && limit !== undefined && delta !== undefined && delta !== 0;
  if (known) return [tensorType(elementTypeOf(inputs, 0), [Math.max(Math.ceil((limit - start) / delta), 0)])];
  // Range(0, Shape(x)[i], 1), the positions torch.onnx builds, is as long as that dim.
  const symbolicLimit = inputs[1]?.elements?.length === 1 ? inputs[1].elements[0] : undefined;
  const counts = start === 0 && delta === 1 && typeof symbolicLimit === 'string';
  return [tensorType(elementTypeOf(inputs, 0), [counts ? symbolicLimit : undefined])];
};

function spaceDepth(toSpace: boolean): ShapeRule {
  return (node, inputs) => {
    const input = shapeOf(inputs, 0);
    const b = intAttribute(node, 'blocksize', 0);
    if (!input || input.length !== 4 || b <= 0) return [tensorType(elementTypeOf(inputs, 0), undefined)];
    const scale = (d: Dim, up: boolean): Dim => (typeof d !== 'number' ? undefined : up ? d * b : d / b);
    const [n, c, h, w] = input;
    const dims = toSpace
      ? [n, typeof c === 'number' ? c / (b * b) : undefined, scale(h, true), scale(w, true)]
      : [n, typeof c === 'number' ? c * b * b : undefined, scale(h, false), scale(w, false)];
    return [tensorType(elementTypeOf(inputs, 0), dims)];
  };
}

const constantOfShape: ShapeRule = (node, inputs) => {
  const value = node.attributes.get('value');
  return [tensorType(value?.type === 'tensor' ? value.value.type : 'float32', inputs[0]?.elements)];
};

const topK: ShapeRule = (node, inputs, opset) => {
  const input = shapeOf(inputs, 0);
  const k = opset < 10 ? intAttribute(node, 'k', 0) : numbersIn(inputs, 1)?.[0];
  const axis = input ? normalizeAxis(intAttribute(node, 'axis', -1), input.length) : undefined;
  const shape = input && axis !== undefined ? input.map((d, i) => (i === axis ? k : d)) : undefined;
  return [tensorType(elementTypeOf(inputs, 0), shape), tensorType('int64', shape)];
};

const sameShapeAsData: ShapeRule = (_node, inputs) => [inputs[0]?.type];

export const tensorShapeRules: [string, ShapeRule][] = [
  ['Reshape', reshape],
  ['Transpose', transpose],
  ['Concat', concat],
  ['Slice', slice],
  ['Gather', gather],
  ['GatherElements', (_n, inputs) => [tensorType(elementTypeOf(inputs, 0), shapeOf(inputs, 1))]],
  ['Shape', (node, inputs) => {
    const input = shapeOf(inputs, 0);
    return [tensorType('int64', [input ? shapeRange(input, node).length : undefined])];
  }],
  ['Size', () => [tensorType('int64', [])]],
  ['Unsqueeze', unsqueeze],
  ['Squeeze', squeeze],
  ['Flatten', flatten],
  ['Split', split],
  ['Expand', expand],
  ['Tile', tile],
  ['Pad', pad],
  ['Range', range],
  ['DepthToSpace', spaceDepth(true)],
  ['SpaceToDepth', spaceDepth(false)],
  ['ConstantOfShape', constantOfShape],
  ['TopK', topK],
  ['ScatterND', sameShapeAsData],
  ['ScatterElements', sameShapeAsData],
  ['EyeLike', (node, inputs) => [tensorType(node.attributes.has('dtype') ? dataTypeFromOnnx(intAttribute(node, 'dtype', 1)) : elementTypeOf(inputs, 0), shapeOf(inputs, 0))]],
  ['NonZero', (_n, inputs) => [tensorType('int64', [shapeOf(inputs, 0)?.length, undefined])]],
];
