/**
 * Building and reading the nodes the layout passes move around: Transposes between the planar
 * (NCHW) and channels-last (NHWC) layouts, and constants re-laid out to meet a transposed value.
 */
import type { Node } from '../../ir/graph.js';
import { permuted, TO_NCHW } from '../../kernels/nhwc/nhwc-layout.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { intsAttribute } from '../node-values.js';
import { isOp } from '../patterns.js';

export function transposeNode(name: string, input: string, output: string, perm: readonly number[]): Node {
  return { name, opType: 'Transpose', domain: '', inputs: [input], outputs: [output], attributes: new Map([['perm', { type: 'ints', value: [...perm] }]]) };
}

/** `node` is a Transpose out of the channels-last layout (the kind the layout pass leaves at a chain's end). */
export function isToPlanar(node: Node | undefined): node is Node {
  const perm = isOp(node, 'Transpose') ? intsAttribute(node, 'perm') : undefined;
  return perm !== undefined && perm.length === TO_NCHW.length && perm.every((p, i) => p === TO_NCHW[i]);
}

/** The inverse permutation: inverse[perm[i]] = i. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return inverse;
}

/**
 * A constant c that broadcasts against Transpose(x, perm) (rank perm.length), as the constant
 * that broadcasts the same way against x: c padded to full rank with leading 1s, permuted by
 * the inverse. A single element stays as it is; undefined when c has more axes than x.
 */
export function relaidConstant(name: string, tensor: DenseTensor, perm: readonly number[], rewrite: GraphRewrite): string | undefined {
  if (tensor.size === 1) return name;
  if (tensor.rank > perm.length) return undefined;
  const full = tensor.reshaped([...new Array<number>(perm.length - tensor.rank).fill(1), ...tensor.dims]);
  const moved = rewrite.freshName(`${name}_nhwc`);
  rewrite.addInitializer(moved, permuted(full, inversePermutation(perm)));
  return moved;
}
