/**
 * FusedConv: activation(Conv(X, W, B) + Z), with the optional Z of the output's shape (a fused
 * residual add). The convolution is the ai.onnx Conv kernel, which applies Z and the
 * activation as it stores its output; the activation is one of the onnxruntime MLAS
 * activations named by `activation`, whose parameters come in `activation_params` (LeakyRelu:
 * alpha; Clip: min, max; HardSigmoid: alpha, beta), or HardSwish (no parameters) or QuickGelu
 * (alpha; SiLU is alpha 1), which this runtime's optimizer fuses too.
 */
import type { ConvActivation } from '../../backends/wasm/conv-activation.js';
import { KernelInputError } from '../../errors/errors.js';
import type { AttributeReader } from '../attributes.js';
import { convolve, parseConvAttributes, type ConvAttributes } from '../conv/conv.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute } from '../support/numeric.js';
import { HALF_AND_SINGLE, MS_DOMAIN, requireTypeOf, widenHalf } from './element-types.js';

/** Each activation's parameter count, and the activation built from its parameters. */
const ACTIVATIONS: Record<string, readonly [number, (p: readonly number[]) => ConvActivation]> = {
  Relu: [0, () => ({ kind: 'Relu' })],
  Tanh: [0, () => ({ kind: 'Tanh' })],
  Sigmoid: [0, () => ({ kind: 'Sigmoid' })],
  HardSwish: [0, () => ({ kind: 'HardSwish' })],
  LeakyRelu: [1, ([alpha]) => ({ kind: 'LeakyRelu', alpha })],
  QuickGelu: [1, ([alpha]) => ({ kind: 'QuickGelu', alpha })],
  Clip: [2, ([min, max]) => ({ kind: 'Clip', min, max })],
  HardSigmoid: [2, ([alpha, beta]) => ({ kind: 'HardSigmoid', alpha, beta })],
};

export function activationOf(attrs: AttributeReader): ConvActivation | undefined {
  const name = attrs.string('activation');
  if (name === undefined) return undefined;
  const spec = ACTIVATIONS[name];
  if (spec === undefined) {
    throw new KernelInputError(`attribute 'activation' must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got '${name}'`);
  }
  const [count, build] = spec;
  const params = count === 0 ? [] : attrs.floats('activation_params') ?? [];
  if (params.length !== count) throw new KernelInputError(`activation ${name} needs ${count} activation_params, got ${params.length}`);
  return build(params);
}

interface FusedConvAttributes {
  readonly conv: ConvAttributes;
  readonly activation: ConvActivation | undefined;
}

export const fusedConvKernel: KernelDefinition = kernel<FusedConvAttributes>({
  domain: MS_DOMAIN,
  opType: 'FusedConv',
  sinceVersion: 1,
  typeConstraints: [0, 1, 2, 3].map((input) => ({ input, types: HALF_AND_SINGLE })),
  parseAttributes: (attrs) => ({ conv: parseConvAttributes(attrs), activation: activationOf(attrs) }),
  run(inputs, attrs, context) {
    const x = tensorInput(inputs, 0, 'X');
    requireTypeOf(x, 'X', inputs, [[1, 'W'], [2, 'B'], [3, 'Z']]);
    const operands = inputs.slice(0, 3).map((t) => (t?.kind === 'tensor' ? widenHalf(t) : t));
    const z = optionalTensorInput(inputs, 3, 'Z');
    const residual = z && { dims: z.dims, values: computeValues(z) as Float32Array };
    // Half inputs are widened: Y is computed in float32 apart from the float16 output's storage.
    const y = convolve(operands, attrs.conv, { residual, activation: attrs.activation }, x.type === 'float32' ? context : undefined);
    return [tensorFromCompute(x.type, y.dims, y.data as Float32Array)];
  },
});
