/**
 * Nodes whose output is provably their first input, removed by renaming: Identity, Dropout in
 * inference, and Reshape / Transpose / Cast / Expand / Slice / Pad when their arguments change
 * nothing. Each is its own pass so each can be disabled by name.
 */
import type { Node } from '../../ir/graph.js';
import { dataTypeFromOnnx } from '../../tensor/element-type.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter, type GraphScope } from '../graph-pass.js';
import { attributeOrInput, constantNumbers, intAttribute, intsAttribute } from '../node-values.js';
import type { OptimizerPass } from '../pass.js';

type NoOpTest = (node: Node, index: GraphIndex, opset: number) => boolean;

function passThroughElimination(name: string, opType: string, isNoOp: NoOpTest): OptimizerPass {
  return graphPass({
    name,
    level: 'basic',
    anchorOps: [opType],
    rewrite: nodeRewriter((node, index, rewrite, scope: GraphScope) =>
      node.domain === '' && node.opType === opType && node.inputs[0] !== undefined && node.inputs[0] !== '' &&
      isNoOp(node, index, scope.opsets.get('') ?? 1) &&
      rewrite.bypass(node, node.inputs[0], node.outputs[0], index), [opType]),
  });
}

/** Dimensions beyond int32 that exporters write for "to the end". */
const TO_THE_END = 2 ** 31 - 1;

export const eliminateIdentity = passThroughElimination('EliminateIdentity', 'Identity', (node) => node.outputs.length === 1);

/** Inference-mode Dropout is Identity once nothing reads its mask. */
export const eliminateDropout = passThroughElimination('EliminateDropout', 'Dropout', (node, index, opset) => {
  const mask = node.outputs[1];
  if (mask && index.isUsed(mask)) return false;
  if (opset < 7) return intAttribute(node, 'is_test', 0) !== 0;
  if (opset < 12 || !node.inputs[2]) return true;
  const training = constantNumbers(node, 2, index);
  return training?.length === 1 && training[0] === 0;
});

/** Reshape to the shape it already has: every target dim copies (0), equals, or is the one -1. */
export const eliminateNoOpReshape = passThroughElimination('EliminateNoOpReshape', 'Reshape', (node, index, opset) => {
  const shape = index.shape(node.inputs[0]);
  const target = opset < 5 ? intsAttribute(node, 'shape') : constantNumbers(node, 1, index);
  if (!shape || !target || target.length !== shape.length) return false;
  const allowZero = intAttribute(node, 'allowzero', 0) === 1;
  let inferred = 0;
  return target.every((d, i) => {
    if (d === -1) return ++inferred === 1;
    return (d === 0 && !allowZero) || d === shape[i];
  });
});

export const eliminateNoOpTranspose = passThroughElimination('EliminateNoOpTranspose', 'Transpose', (node, index) => {
  const perm = intsAttribute(node, 'perm');
  if (perm) return perm.every((p, i) => p === i);
  const rank = index.rank(node.inputs[0]);
  return rank !== undefined && rank <= 1;
});

export const eliminateNoOpCast = passThroughElimination('EliminateNoOpCast', 'Cast', (node, index) => {
  const from = index.elementType(node.inputs[0]);
  return from !== undefined && from === dataTypeFromOnnx(intAttribute(node, 'to', 0));
});

/** Expand to a shape the input already covers: each target dim is 1 or the input's own. */
export const eliminateNoOpExpand = passThroughElimination('EliminateNoOpExpand', 'Expand', (node, index) => {
  const shape = index.shape(node.inputs[0]);
  const target = constantNumbers(node, 1, index);
  if (!shape || !target || target.length > shape.length) return false;
  const offset = shape.length - target.length;
  return target.every((d, i) => d === 1 || d === shape[offset + i]);
});

/** Slice that starts at 0, steps by 1 and runs to (at least) the end on every axis it names. */
export const eliminateNoOpSlice = passThroughElimination('EliminateNoOpSlice', 'Slice', (node, index, opset) => {
  const shape = index.shape(node.inputs[0]);
  const read = (attribute: string, input: number) => attributeOrInput(node, index, opset, { attribute, input, inputSince: 10 });
  const starts = read('starts', 1);
  const ends = read('ends', 2);
  const axes = read('axes', 3);
  const steps = opset < 10 ? 'missing' : read('', 4);
  if (!shape || !Array.isArray(starts) || !Array.isArray(ends) || axes === undefined || steps === undefined) return false;
  return starts.every((start, i) => {
    const axis = axes === 'missing' ? i : axes[i] < 0 ? axes[i] + shape.length : axes[i];
    const dim = shape[axis];
    const step = steps === 'missing' ? 1 : steps[i];
    const end = ends[i];
    return step === 1 && start === 0 && (end >= TO_THE_END || (typeof dim === 'number' && end >= dim));
  });
});

export const eliminateNoOpPad = passThroughElimination('EliminateNoOpPad', 'Pad', (node, index, opset) => {
  const pads = attributeOrInput(node, index, opset, { attribute: 'pads', input: 1, inputSince: 11 });
  return Array.isArray(pads) && pads.every((p) => p === 0);
});
