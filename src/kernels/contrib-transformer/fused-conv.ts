/**
 * FusedConv: activation(Conv(X, W, B) + Z), with the optional Z of the output's shape (a fused
 * residual add). The convolution is the ai.onnx Conv kernel; the activation is one of the
 * onnxruntime MLAS activations named by `activation`, whose parameters come in
 * `activation_params` (LeakyRelu: alpha; Clip: min, max; HardSigmoid: alpha, beta).
 */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { convKernels } from '../conv/conv.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { HALF_AND_SINGLE, MS_DOMAIN, requireTypeOf, widenHalf } from './element-types.js';

type Activation = (x: number) => number;

const PARAMETER_COUNTS: Record<string, number> = { Relu: 0, Tanh: 0, Sigmoid: 0, LeakyRelu: 1, Clip: 2, HardSigmoid: 2 };

function activationOf(attrs: AttributeReader): Activation | undefined {
  const name = attrs.string('activation');
  if (name === undefined) return undefined;
  const count = PARAMETER_COUNTS[name];
  if (count === undefined) {
    throw new KernelInputError(`attribute 'activation' must be one of ${Object.keys(PARAMETER_COUNTS).join(', ')}, got '${name}'`);
  }
  const params = count === 0 ? [] : attrs.floats('activation_params') ?? [];
  if (params.length !== count) throw new KernelInputError(`activation ${name} needs ${count} activation_params, got ${params.length}`);
  const [a, b] = params;
  switch (name) {
    case 'Relu': return (x) => (x > 0 ? x : 0);
    case 'Tanh': return Math.tanh;
    case 'Sigmoid': return (x) => 1 / (1 + Math.exp(-x));
    case 'LeakyRelu': return (x) => (x > 0 ? x : a * x);
    case 'Clip': return (x) => Math.min(Math.max(x, a), b);
    default: return (x) => Math.min(Math.max(a * x + b, 0), 1);
  }
}

// The Conv of the latest opset accepts every float type; its attributes are FusedConv's too.
const conv = convKernels.find((k) => k.untilVersion === undefined)!;

interface FusedConvAttributes {
  readonly conv: unknown;
  readonly activation: Activation | undefined;
}

export const fusedConvKernel: KernelDefinition = kernel<FusedConvAttributes>({
  domain: MS_DOMAIN,
  opType: 'FusedConv',
  sinceVersion: 1,
  typeConstraints: [0, 1, 2, 3].map((input) => ({ input, types: HALF_AND_SINGLE })),
  parseAttributes: (attrs, context) => ({
    conv: conv.parseAttributes?.(attrs, context),
    activation: activationOf(attrs),
  }),
  async run(inputs, attrs, context) {
    const x = tensorInput(inputs, 0, 'X');
    requireTypeOf(x, 'X', inputs, [[1, 'W'], [2, 'B'], [3, 'Z']]);
    const operands = inputs.slice(0, 3).map((t) => (t?.kind === 'tensor' ? widenHalf(t) : t));
    const [y] = await conv.run(operands, attrs.conv, context);
    if (y?.kind !== 'tensor') throw new KernelInputError('Conv produced no tensor');
    // The convolution's output is a fresh float32 buffer, so Z and the activation apply in place.
    const values = y.data as Float32Array;
    const z = optionalTensorInput(inputs, 3, 'Z');
    if (z) {
      if (!sameShape(z.dims, y.dims)) throw new KernelInputError(`Z must have the output's shape ${formatShape(y.dims)}, got ${formatShape(z.dims)}`);
      const zv = computeValues(z) as NumberArray;
      for (let i = 0; i < values.length; i++) values[i] += zv[i];
    }
    if (attrs.activation) for (let i = 0; i < values.length; i++) values[i] = attrs.activation(values[i]);
    return [tensorFromCompute(x.type, y.dims, values)];
  },
});
