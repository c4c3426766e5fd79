/**
 * Conv or Gemm followed by an activation becomes the com.microsoft op that applies the
 * activation on the fly: FusedConv (activation + activation_params) and FusedGemm
 * (activation + activation_alpha/beta). The activations are those onnxruntime's kernels
 * accept, so a saved model still runs there; float32 only, as there. Fires only when a
 * kernel in the registry takes the fused node and the activation is the producer's only reader.
 */
import type { Attribute, Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter, type GraphScope } from '../graph-pass.js';
import { floatAttribute, stringAttributeOf } from '../node-values.js';
import { isOp, otherInput, registryRuns, scalarValue } from '../patterns.js';

/** Clip's bounds when one is not given: the float32 extremes, as onnxruntime fills them in. */
const FLOAT32_MAX = 3.4028234663852886e38;

interface Activation {
  readonly name: string;
  /** In the order FusedConv's activation_params lists them. */
  readonly params: readonly number[];
}

/** The activation a node applies, with its parameters; undefined for anything else (or unknown Clip bounds). */
function activationOf(node: Node, index: GraphIndex, opset: number): Activation | undefined {
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
    rewrite: nodeRewriter((node, index, rewrite, scope: GraphScope) => {
      const activation = activationOf(node, index, scope.opsets.get('') ?? 1);
      if (!activation || !spec.supported.has(activation.name)) return false;
      const producer = index.producer(node.inputs[0]);
      if (!isOp(producer, spec.producer) || rewrite.isRemoved(producer) || !index.onlyConsumerIs(node.inputs[0], node)) return false;
      if (index.elementType(node.inputs[0]) !== 'float32') return false;
      const attributes = new Map([...producer.attributes, ...spec.attributes(activation)]);
      const fused = { ...producer, domain: 'com.microsoft', opType: spec.fused, outputs: [node.outputs[0]], attributes };
      if (!registryRuns(fused, index, scope)) return false;
      rewrite.remove(producer);
      rewrite.replace(node, fused);
      return true;
    }),
  });
}

const FUSED_CONV_ACTIVATIONS: ReadonlySet<string> = new Set(['Relu', 'Sigmoid', 'Tanh', 'HardSwish', 'LeakyRelu', 'HardSigmoid', 'Clip']);

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
  rewrite: nodeRewriter((node, index, rewrite, scope) => {
    const activation = activationOf(node, index, scope.opsets.get('') ?? 1);
    const add = index.producer(node.inputs[0]);
    if (!activation || !FUSED_CONV_ACTIVATIONS.has(activation.name) || !isOp(add, 'Add') || rewrite.isRemoved(add)) return false;
    if (!index.onlyConsumerIs(add.outputs[0], node) || index.elementType(add.outputs[0]) !== 'float32') return false;
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
      attributes: new Map([...conv.attributes, ...fusedConvAttributes(activation)]),
    };
    if (!registryRuns(fused, index, scope)) return false;
    rewrite.remove(conv);
    rewrite.remove(add);
    rewrite.replace(node, fused);
    return true;
  }),
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
