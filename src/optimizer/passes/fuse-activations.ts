/**
 * Conv or Gemm followed by an activation becomes the com.microsoft op that applies the
 * activation on the fly: FusedConv (activation + activation_params) and FusedGemm
 * (activation + activation_alpha/beta). The activations are onnxruntime's MLAS set, plus
 * HardSwish (also as x · HardSigmoid(x, 1/6, 1/2), the form below opset 14) and QuickGelu
 * (alpha; SiLU is alpha 1) for FusedConv, which saving writes back as Conv + the activation
 * for onnxruntime (see export-for-onnxruntime.ts). Float32 only, as there. Fires only when a
 * kernel in the registry takes the fused node and the activation reads the producer's
 * output alone.
 */
import type { Attribute, Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter, type GraphScope } from '../graph-pass.js';
import { floatAttribute, stringAttributeOf } from '../node-values.js';
import { isOp, otherInput, registryRuns, scalarValue } from '../patterns.js';
import { FLOAT32_MAX } from '../../tensor/element-type.js';

/** Clip's bounds when one is not given: the float32 extremes, as onnxruntime fills them in. */

interface Activation {
  readonly name: string;
  /** In the order FusedConv's activation_params lists them. */
  readonly params: readonly number[];
}

/** The activation a node applies, with its parameters; undefined for anything else (or unknown Clip bounds). */
function activationOf(node: Node, index: GraphIndex, opset: number): Activation | undefined {
  if (node.domain === 'com.microsoft' && node.opType === 'QuickGelu') return { name: 'QuickGelu', params: [floatAttribute(node, 'alpha', 1)] };
  if (node.domain !== '') return undefined;
  switch (node.opType) {
    case 'Relu':
    case 'Sigmoid':
    case 'Tanh':
    case 'HardSwish':
      return { name: node.opType, params: [] };
    case 'LeakyRelu':
      return { name: 'LeakyRelu', params: [floatAttribute(node, 'alpha', 0.01)] };
    case 'HardSigmoid':
      return { name: 'HardSigmoid', params: [floatAttribute(node, 'alpha', 0.2), floatAttribute(node, 'beta', 0.5)] };
    case 'Clip': {
      if (opset < 11) return { name: 'Clip', params: [floatAttribute(node, 'min', -FLOAT32_MAX), floatAttribute(node, 'max', FLOAT32_MAX)] };
      const bound = (i: number, fallback: number): number | undefined => (node.inputs[i] ? scalarValue(index, node.inputs[i]) : fallback);
      const min = bound(1, -FLOAT32_MAX);
      const max = bound(2, FLOAT32_MAX);
      return min === undefined || max === undefined ? undefined : { name: 'Clip', params: [min, max] };
    }
    default:
      return undefined;
  }
}

/** An activation of one value: the node writing the result and any other nodes it takes that read `input`. */
interface ActivationSite {
  readonly activation: Activation;
  readonly input: string;
  readonly last: Node;
  readonly alsoReading: readonly Node[];
}

/** x · HardSigmoid(x, 1/6, 1/2) at the Mul: HardSwish, taking the HardSigmoid along. */
function hardSwishProduct(mul: Node, index: GraphIndex): ActivationSite | undefined {
  if (!isOp(mul, 'Mul')) return undefined;
  for (const gated of mul.inputs) {
    const gate = index.producer(gated);
    const x = otherInput(mul, gated);
    if (!isOp(gate, 'HardSigmoid') || x === undefined || gate.inputs[0] !== x || !index.onlyConsumerIs(gated, mul)) continue;
    if (Math.abs(floatAttribute(gate, 'alpha', 0.2) - 1 / 6) > 1e-6 || Math.abs(floatAttribute(gate, 'beta', 0.5) - 0.5) > 1e-6) continue;
    return { activation: { name: 'HardSwish', params: [] }, input: x, last: mul, alsoReading: [gate] };
  }
  return undefined;
}

/** The op types an activation site ends in (activationOf's and hardSwishProduct's): where every fusion starts. */
const SITE_OPS = ['QuickGelu', 'Relu', 'Sigmoid', 'Tanh', 'HardSwish', 'LeakyRelu', 'HardSigmoid', 'Clip', 'Mul'];

function activationSite(node: Node, index: GraphIndex, opset: number): ActivationSite | undefined {
  const activation = activationOf(node, index, opset);
  return activation ? { activation, input: node.inputs[0], last: node, alsoReading: [] } : hardSwishProduct(node, index);
}

/** Nothing but the site's nodes reads its input. */
function readsAlone(site: ActivationSite, index: GraphIndex): boolean {
  const readers = index.consumers(site.input);
  return !index.hasHiddenUses(site.input) && readers.length === 1 + site.alsoReading.length &&
    readers.every((r) => r === site.last || site.alsoReading.includes(r));
}

interface ActivationFusion {
  readonly name: string;
  readonly producer: string;
  readonly fused: string;
  readonly supported: ReadonlySet<string>;
  /** The fused op's attributes that carry the activation. */
  readonly attributes: (activation: Activation) => [string, Attribute][];
}

function activationFusion(spec: ActivationFusion) {
  return graphPass({
    name: spec.name,
    level: 'extended',
    addsDomain: 'com.microsoft',
    // Every fusion replaces a producer of this type.
    anchorOps: [spec.producer],
    rewrite: nodeRewriter((node, index, rewrite, scope: GraphScope) => {
      const site = activationSite(node, index, scope.opsets.get('') ?? 1);
      if (!site || !spec.supported.has(site.activation.name) || site.alsoReading.some((n) => rewrite.isRemoved(n))) return false;
      const producer = index.producer(site.input);
      if (!isOp(producer, spec.producer) || rewrite.isRemoved(producer) || !readsAlone(site, index)) return false;
      if (index.elementType(site.input) !== 'float32') return false;
      const attributes = new Map([...producer.attributes, ...spec.attributes(site.activation)]);
      const fused = { ...producer, domain: 'com.microsoft', opType: spec.fused, outputs: [node.outputs[0]], attributes };
      if (!registryRuns(fused, index, scope)) return false;
      for (const n of [producer, ...site.alsoReading]) rewrite.remove(n);
      rewrite.replace(node, fused);
      return true;
    }, SITE_OPS),
  });
}

const FUSED_CONV_ACTIVATIONS: ReadonlySet<string> = new Set(['Relu', 'Sigmoid', 'Tanh', 'HardSwish', 'LeakyRelu', 'HardSigmoid', 'Clip', 'QuickGelu']);

function fusedConvAttributes(a: Activation): [string, Attribute][] {
  return [
    ['activation', stringAttributeOf(a.name)],
    ...(a.params.length > 0 ? [['activation_params', { type: 'floats', value: a.params }] as [string, Attribute]] : []),
  ];
}

export const fuseConvActivation = activationFusion({
  name: 'FuseConvActivation',
  producer: 'Conv',
  fused: 'FusedConv',
  supported: FUSED_CONV_ACTIVATIONS,
  attributes: fusedConvAttributes,
});

/**
 * Conv, then Add of a value of the Conv output's exact shape (a residual), then an
 * activation: FusedConv with that value as its Z input, as in ResNet blocks.
 */
export const fuseConvAddActivation = graphPass({
  name: 'FuseConvAddActivation',
  level: 'extended',
  addsDomain: 'com.microsoft',
  anchorOps: ['Conv'],
  rewrite: nodeRewriter((node, index, rewrite, scope) => {
    const site = activationSite(node, index, scope.opsets.get('') ?? 1);
    const add = site && index.producer(site.input);
    if (!site || !FUSED_CONV_ACTIVATIONS.has(site.activation.name) || !isOp(add, 'Add') || rewrite.isRemoved(add)) return false;
    if (site.alsoReading.some((n) => rewrite.isRemoved(n)) || !readsAlone(site, index) || index.elementType(add.outputs[0]) !== 'float32') return false;
    const conv = add.inputs.map((name) => index.producer(name)).find((p) => isOp(p, 'Conv') && index.onlyConsumerIs(p.outputs[0], add));
    const z = conv && otherInput(add, conv.outputs[0]);
    const convShape = conv && index.shape(conv.outputs[0]);
    const zShape = z ? index.shape(z) : undefined;
    if (!conv || !z || rewrite.isRemoved(conv) || !convShape || !zShape) return false;
    if (zShape.length !== convShape.length || zShape.some((d, i) => d === undefined || d !== convShape[i])) return false;
    const fused: Node = {
      ...conv, domain: 'com.microsoft', opType: 'FusedConv',
      inputs: [conv.inputs[0], conv.inputs[1], conv.inputs[2] ?? '', z],
      outputs: [node.outputs[0]],
      attributes: new Map([...conv.attributes, ...fusedConvAttributes(site.activation)]),
    };
    if (!registryRuns(fused, index, scope)) return false;
    for (const n of [conv, add, ...site.alsoReading]) rewrite.remove(n);
    rewrite.replace(node, fused);
    return true;
  }, SITE_OPS),
});

export const fuseGemmActivation = activationFusion({
  name: 'FuseGemmActivation',
  producer: 'Gemm',
  fused: 'FusedGemm',
  supported: new Set(['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid']),
  attributes: (a) => [
    ['activation', stringAttributeOf(a.name)],
    ...a.params.map((value, i): [string, Attribute] => [i === 0 ? 'activation_alpha' : 'activation_beta', { type: 'float', value }]),
  ],
});
