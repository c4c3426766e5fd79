/**
 * FusedGemm (com.microsoft): activation(Gemm(A, B, C)), what FuseGemmActivation makes of a Gemm
 * whose only reader is an activation. The product is the ai.onnx Gemm kernel's; the activation
 * (Relu, Tanh, Sigmoid, LeakyRelu with activation_alpha, HardSigmoid with activation_alpha and
 * activation_beta, the ai.onnx ops' float32 defaults where absent) is applied in place as one more pass
 * over the output, which is still in cache for the sizes Gemm layers have.
 */
import type { ConvActivation } from '../../backends/wasm/conv-activation.js';
import { KernelInputError } from '../../errors/errors.js';
import type { AttributeReader } from '../attributes.js';
import { applyConvEpilogue } from '../conv/conv-epilogue.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import { computeGemm, parseGemmAttributes, type GemmAttributes } from '../linalg/gemm.js';
import { MS_DOMAIN } from './element-types.js';

interface FusedGemmAttributes {
  readonly gemm: GemmAttributes;
  readonly activation: ConvActivation | undefined;
}

function gemmActivationOf(attrs: AttributeReader): ConvActivation | undefined {
  const name = attrs.string('activation');
  switch (name) {
    case undefined: return undefined;
    case 'Relu': case 'Tanh': case 'Sigmoid': return { kind: name };
    case 'LeakyRelu': return { kind: 'LeakyRelu', alpha: attrs.float('activation_alpha', Math.fround(0.01)) };
    case 'HardSigmoid': return { kind: 'HardSigmoid', alpha: attrs.float('activation_alpha', Math.fround(0.2)), beta: attrs.float('activation_beta', 0.5) };
    default: throw new KernelInputError(`attribute 'activation' must be one of Relu, Tanh, Sigmoid, LeakyRelu, HardSigmoid, got '${name}'`);
  }
}

export const fusedGemmKernel: KernelDefinition = kernel<FusedGemmAttributes>({
  domain: MS_DOMAIN,
  opType: 'FusedGemm',
  sinceVersion: 1,
  typeConstraints: [0, 1, 2].map((input) => ({ input, types: ['float32'] })),
  parseAttributes: (attrs) => ({ gemm: parseGemmAttributes(attrs, false), activation: gemmActivationOf(attrs) }),
  run(inputs, attrs, context) {
    const y = computeGemm(inputs, attrs.gemm, context);
    if (attrs.activation) applyConvEpilogue(y.data as FloatArray, { activation: attrs.activation });
    return [y];
  },
});
