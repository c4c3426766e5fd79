/**
 * The GELU activations of com.microsoft: Gelu (exact, through erf), FastGelu (the tanh
 * approximation, with an optional bias), BiasGelu (exact GELU of X + bias) and QuickGelu
 * (x * sigmoid(alpha * x)). A bias is one value per element of X's last dimension.
 */
import { parallelBiasUnaryF32 } from '../../backends/threads/intra-op.js';
import type { WasmUnaryOp } from '../../backends/wasm/elementwise-host.js';
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { allocateOutput, kernel, type KernelContext, type KernelDefinition } from '../kernel.js';
import { swishLoop } from '../math/float-unary-loops.js';
import { exactGeluBiasLoop, exactGeluLoop, TANH_GELU_B, TANH_GELU_C, tanhGeluBiasLoop, tanhGeluLoop } from '../math/gelu-loops.js';
import { erf } from '../math/special-functions.js';
import { mapBinary, mapUnary } from '../support/elementwise.js';
import { optionalTensorInput, requireSameType, tensorInput } from '../support/inputs.js';
import { HALF_AND_SINGLE, HALF_SINGLE_DOUBLE, MS_DOMAIN } from './element-types.js';

type Activation = (x: number) => number;

/**
 * The element function for any float type, the loops used when X and bias are float32, and
 * the elementwise module's op that the bias loop runs (on the intra-op threads where X is large).
 */
interface GeluForms {
  readonly fn: Activation;
  readonly loop: (x: Float32Array, out: Float32Array) => void;
  readonly biasLoop: (x: Float32Array, bias: Float32Array, out: Float32Array) => void;
  readonly wasmOp: WasmUnaryOp;
}

const exactGelu: GeluForms = {
  fn: (x) => 0.5 * x * (1 + erf(x * Math.SQRT1_2)),
  loop: exactGeluLoop,
  biasLoop: exactGeluBiasLoop,
  wasmOp: 'gelu',
};

const tanhGelu: GeluForms = {
  fn: (x) => 0.5 * x * (1 + Math.tanh(x * (TANH_GELU_C * x * x + TANH_GELU_B))),
  loop: tanhGeluLoop,
  biasLoop: tanhGeluBiasLoop,
  wasmOp: 'tanhGelu',
};

function checkBias(x: DenseTensor, bias: DenseTensor): void {
  requireSameType(x, bias, 'X and bias');
  const last = x.rank === 0 ? 1 : x.dims[x.rank - 1];
  if (bias.rank !== 1 || bias.dims[0] !== last) {
    throw new KernelInputError(`bias must have shape [${last}] (the last dimension of X), got ${formatShape(bias.dims)}`);
  }
}

function activate(x: DenseTensor, bias: DenseTensor | undefined, gelu: GeluForms, context: KernelContext): DenseTensor {
  const fn = gelu.fn;
  if (!bias) return mapUnary(x, { float: fn, float32Loop: gelu.loop }, x.type, context);
  checkBias(x, bias);
  if (x.type === 'float32') {
    const out = allocateOutput(context, 'float32', x.dims);
    const [xs, bs, os] = [x.data as Float32Array, bias.data as Float32Array, out.data as Float32Array];
    if (!parallelBiasUnaryF32(gelu.wasmOp, xs, bs, os)) gelu.biasLoop(xs, bs, os);
    return out;
  }
  return mapBinary(x, bias, { float: (a: number, b: number) => fn(a + b) });
}

type BiasInput = 'none' | 'optional' | 'required';

function geluKernel(opType: string, types: readonly DataType[], gelu: GeluForms, bias: BiasInput): KernelDefinition {
  return kernel({
    domain: MS_DOMAIN,
    opType,
    sinceVersion: 1,
    typeConstraints: [0, 1].map((input) => ({ input, types })),
    run(inputs, _attrs, context) {
      const x = tensorInput(inputs, 0, 'X');
      const b = bias === 'required' ? tensorInput(inputs, 1, 'bias') : bias === 'optional' ? optionalTensorInput(inputs, 1, 'bias') : undefined;
      return [activate(x, b, gelu, context)];
    },
  });
}

const quickGelu = kernel<number>({
  domain: MS_DOMAIN,
  opType: 'QuickGelu',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: HALF_AND_SINGLE }],
  parseAttributes: (attrs) => attrs.float('alpha', 1.702),
  run(inputs, alpha) {
    const x = tensorInput(inputs, 0, 'X');
    return [mapUnary(x, { float: (v: number) => v / (1 + Math.exp(-alpha * v)), float32Loop: swishLoop(alpha) })];
  },
});

export const geluKernels: KernelDefinition[] = [
  geluKernel('Gelu', HALF_AND_SINGLE, exactGelu, 'none'),
  geluKernel('FastGelu', HALF_SINGLE_DOUBLE, tanhGelu, 'optional'),
  geluKernel('BiasGelu', HALF_AND_SINGLE, exactGelu, 'required'),
  quickGelu,
];
