/**
 * Which convolutions run faster channels-last, and the rewrite that puts one there: Conv or
 * FusedConv (float32, 2-D, constant weights) becomes Transpose -> com.ms.internal.nhwc Conv ->
 * Transpose, its residual Z transposed in too. Alone that only adds transposes; the layout
 * pass then cancels the ones between neighbours (layout-nhwc.ts).
 */
import type { Node } from '../../ir/graph.js';
import { NHWC_DOMAIN, TO_NCHW, TO_NHWC } from '../../kernels/nhwc/nhwc-layout.js';
import type { GraphIndex } from '../graph-index.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import type { GraphScope } from '../graph-pass.js';
import { kernelAccepts } from '../evaluate-node.js';
import { intAttribute, intsAttribute } from '../node-values.js';
import { isOp } from '../patterns.js';
import { transposeNode } from './layout-nodes.js';
import { carriesLayout } from './layout-push-transposes.js';

/** The version of the channels-last domain the pass imports. */
export const NHWC_OPSET = 1;

/** The convolution kinds the channels-last kernels take: pointwise (1x1, stride 1, unpadded, one group) and depthwise. */
export type NhwcConvKind = 'pointwise' | 'depthwise';

/** Which kind a 2-D convolution of weight shape `w` is, or undefined for kinds that stay planar. */
export function nhwcConvKind(node: Node, w: readonly number[]): NhwcConvKind | undefined {
  const group = intAttribute(node, 'group', 1);
  const [outChannels, inPerGroup, kh, kw] = w;
  const ones = (name: string): boolean => (intsAttribute(node, name) ?? []).every((v) => v === 1);
  const zeros = (intsAttribute(node, 'pads') ?? []).every((v) => v === 0);
  if (group === 1 && kh === 1 && kw === 1 && ones('strides') && zeros) return 'pointwise';
  if (inPerGroup === 1 && group === outChannels && group > 1) return 'depthwise';
  return undefined;
}

function isConv(node: Node): boolean {
  return isOp(node, 'Conv') || isOp(node, 'FusedConv', 'com.microsoft');
}

/** Which convolutions the pass lays out channels-last. */
export interface LayoutChoice {
  readonly kinds: ReadonlySet<NhwcConvKind>;
  /**
   * Fewest output positions (N·H·W, the GEMM's rows) a pointwise convolution needs; below it
   * the planar kernel, whose rows are the output channels, runs it faster.
   */
  readonly pointwiseMinPositions: number;
}

/** The channels-last kind of a float32 2-D convolution with constant weights, or undefined. */
function kindOf(node: Node, index: GraphIndex, choice: LayoutChoice): NhwcConvKind | undefined {
  if (!isConv(node) || node.outputs.length !== 1) return undefined;
  const w = index.constant(node.inputs[1]);
  if (!w || w.type !== 'float32' || w.rank !== 4 || index.elementType(node.inputs[0]) !== 'float32') return undefined;
  const kind = nhwcConvKind(node, w.dims);
  if (kind === undefined || !choice.kinds.has(kind)) return undefined;
  if (kind === 'depthwise' || choice.pointwiseMinPositions <= 0) return kind;
  const x = index.staticShape(node.inputs[0]);
  return x && x[0] * x[2] * x[3] >= choice.pointwiseMinPositions ? kind : undefined;
}

/** Most nodes the neighbour search visits from one convolution. */
const NEIGHBOUR_SEARCH_LIMIT = 64;

/**
 * The convolutions `conv` reaches through ops the layout runs through (elementwise, Concat), up
 * its input and down its output: those `choice` takes, or undefined when it reaches one that stays
 * planar.
 */
function channelsLastNeighbours(conv: Node, index: GraphIndex, choice: LayoutChoice): Node[] | undefined {
  const seen = new Set<Node>([conv]);
  const queue: { name: string; up: boolean }[] = [{ name: conv.inputs[0], up: true }, { name: conv.outputs[0], up: false }];
  const partners: Node[] = [];
  while (queue.length > 0 && seen.size < NEIGHBOUR_SEARCH_LIMIT) {
    const { name, up } = queue.pop() as { name: string; up: boolean };
    const producer = up ? index.producer(name) : undefined;
    for (const node of up ? (producer ? [producer] : []) : index.consumers(name)) {
      if (seen.has(node)) continue;
      seen.add(node);
      if (isConv(node)) {
        if (kindOf(node, index, choice) === undefined) return undefined;
        partners.push(node);
      } else if (carriesLayout(node)) {
        for (const input of node.inputs) if (input && !index.constant(input)) queue.push({ name: input, up: true });
        queue.push({ name: node.outputs[0], up: false });
      }
    }
  }
  return partners;
}

/**
 * The convolutions `choice` takes that are worth laying out channels-last: those with no planar
 * convolution among their neighbours and, of the convolutions that qualify, at least one
 * neighbour. Measured: a lone converted convolution, or one next to a planar one (ResNet's 1x1
 * around its 3x3, SqueezeNet's fire modules), costs more in transposes than its kernel gains.
 */
export function chainedConvs(nodes: readonly Node[], index: GraphIndex, choice: LayoutChoice): Set<Node> {
  const candidates = new Map<Node, Node[]>();
  for (const node of nodes) {
    const partners = kindOf(node, index, choice) !== undefined ? channelsLastNeighbours(node, index, choice) : undefined;
    if (partners) candidates.set(node, partners);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [node, partners] of candidates) {
      if (partners.some((p) => candidates.has(p))) continue;
      candidates.delete(node);
      changed = true;
    }
  }
  return new Set(candidates.keys());
}

/** Rewrites `node` (one of chainedConvs) into the channels-last layout; false where no kernel takes it. */
export function convertConv(node: Node, index: GraphIndex, rewrite: GraphRewrite, scope: GraphScope): boolean {
  const [x, weight, bias = '', z = ''] = node.inputs;
  const given = z ? 4 : bias ? 3 : 2;
  const types = [x, weight, bias, z].slice(0, given).map((name) => (name ? index.elementType(name) : undefined));
  if (!kernelAccepts({ ...node, domain: NHWC_DOMAIN, opType: 'Conv' }, types, scope.registry, NHWC_OPSET)) return false;
  const y = node.outputs[0];
  const xNhwc = rewrite.freshName(`${x}_nhwc`);
  const yNhwc = rewrite.freshName(`${y}_nhwc`);
  const zNhwc = z ? rewrite.freshName(`${z}_nhwc`) : '';
  const inputs = [xNhwc, weight, bias, zNhwc].slice(0, given);
  rewrite.replace(
    node,
    transposeNode(`${node.name}_to_nhwc`, x, xNhwc, TO_NHWC),
    ...(z ? [transposeNode(`${node.name}_residual_to_nhwc`, z, zNhwc, TO_NHWC)] : []),
    { ...node, domain: NHWC_DOMAIN, opType: 'Conv', inputs, outputs: [yNhwc] },
    transposeNode(`${node.name}_to_nchw`, yNhwc, y, TO_NCHW),
  );
  return true;
}
