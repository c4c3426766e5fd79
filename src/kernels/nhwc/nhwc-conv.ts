/**
 * Conv in the channels-last layout (domain com.ms.internal.nhwc, as onnxruntime's layout
 * transformer names it): X [N, H, W, C] -> Y [N, OH, OW, M], W and B as ai.onnx Conv has them,
 * plus FusedConv's optional residual Z (of Y's shape) and activation. The optimizer's layout
 * level puts convolutions in this form where it runs faster (optimizer/passes/layout-nhwc.ts):
 *   pointwise (1x1, stride 1, no padding, one group): with few input channels, the direct
 *     kernel (wasm/assembly/nhwc-pointwise.ts: x read in place, bias, residual and activation
 *     as it stores); else one GEMM [N*H*W, C] x Wᵀ over the arena, with no copies and W packed
 *     once, then the per-channel epilogue in one pass;
 *   depthwise (one input and one output channel per group): a direct loop vectorized across
 *     channels;
 *   anything else: through the planar Conv, transposing in and out (correct, not fast).
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { ConvActivation } from '../../backends/wasm/conv-activation.js';
import { KernelInputError } from '../../errors/errors.js';
import { activationOf } from '../contrib-transformer/fused-conv.js';
import { convolve, parseConvAttributes, type ConvAttributes } from '../conv/conv.js';
import { convOperands } from '../conv/conv-operands.js';
import { isPointwise, slideWindow, type SlidingWindow } from '../conv/sliding-window.js';
import { allocateOutput, kernel, type KernelContext, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { gemm } from '../linalg/gemm-core.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { NHWC_DOMAIN, permuted, TO_NCHW, TO_NHWC } from './nhwc-layout.js';
import { nhwcDepthwiseLoop, nhwcEpilogueLoop } from './nhwc-loops.js';
import { wasmNhwcDepthwise, wasmNhwcEpilogue, wasmNhwcPointwise, type NhwcEpilogue } from '../../backends/wasm/nhwc-wasm.js';
import { hasIntraOpThreads } from '../../backends/threads/intra-op.js';
import { panelBias, pointwisePanels, tapMajor } from './nhwc-weights.js';

export interface NhwcConvAttributes {
  readonly conv: ConvAttributes;
  readonly activation: ConvActivation | undefined;
}

/**
 * Most input channels for which the direct pointwise kernel runs a product on one thread at
 * least as fast as the GEMM: measured 0.66-0.95x the time on YOLOX's and MobileNetV2's 1x1
 * layers up to 192 input channels (the GEMM's packing of x and its separate epilogue pass
 * weigh most where k is small), 0.91-0.97x at 384-960, even at 1024. With intra-op threads
 * the parallel GEMM takes them.
 */
const DIRECT_POINTWISE_MAX_K = 1024;

function applyEpilogue(y: Float32Array, channels: number, epilogue: NhwcEpilogue): void {
  if (!epilogue.bias && !epilogue.residual && !epilogue.activation) return;
  if (y.length > 0 && !wasmNhwcEpilogue(y, channels, epilogue)) nhwcEpilogueLoop(y, channels, epilogue);
}

function pair(values: readonly number[]): [number, number] {
  return [values[0], values[1]];
}

function checkResidual(z: DenseTensor | undefined, dims: readonly number[]): void {
  if (z && (z.rank !== dims.length || z.dims.some((d, i) => d !== dims[i]))) {
    throw new KernelInputError(`Z must have the output's shape [${dims.join(',')}], got [${z.dims.join(',')}]`);
  }
}

export function nhwcConvolve(inputs: KernelInputs, attrs: NhwcConvAttributes, context: KernelContext): DenseTensor {
  const x = tensorInput(inputs, 0, 'X');
  if (x.rank !== 4) throw new KernelInputError(`X must have shape [N, H, W, C] (rank 4), got rank ${x.rank}`);
  const [batch, inH, inW, channels] = x.dims;
  // The planar checks read only the dims: X's as [N, C, H, W].
  const planar = x.reshaped([batch, channels, inH, inW]);
  const ops = convOperands([planar, ...inputs.slice(1, 3)], attrs.conv.group, attrs.conv.window.kernelShape, false);
  const win: SlidingWindow = slideWindow(attrs.conv.window, ops.spatial, ops.kernel);
  const [outH, outW] = win.grid;
  const dims = [batch, outH, outW, ops.outChannels];
  const z = optionalTensorInput(inputs, 3, 'Z');
  checkResidual(z, dims);
  const epilogue: NhwcEpilogue = {
    bias: ops.b?.data as Float32Array | undefined, residual: z?.data as Float32Array | undefined, activation: attrs.activation,
  };
  const group = attrs.conv.group;
  if (group === 1 && isPointwise(win)) {
    const y = allocateOutput(context, 'float32', dims);
    const w = ops.w;
    if (channels <= DIRECT_POINTWISE_MAX_K && y.size > 0 && !hasIntraOpThreads()) {
      const direct = {
        ...epilogue, x: x.data as Float32Array, panels: pointwisePanels(w, context), y: y.data as Float32Array,
        bias: ops.b && panelBias(ops.b, context), rows: batch * inH * inW, k: channels, n: ops.outChannels,
      };
      if (wasmNhwcPointwise(direct)) return y;
    }
    gemm({
      m: batch * inH * inW, n: ops.outChannels, k: channels,
      a: x.data as Float32Array, aOffset: 0, lda: channels, transA: false,
      b: w.data as Float32Array, bOffset: 0, ldb: channels, transB: true,
      c: y.data as Float32Array, cOffset: 0, ldc: ops.outChannels, alpha: 1, beta: 0,
      constantB: context.isConstant?.(w) ? w : undefined,
    });
    applyEpilogue(y.data as Float32Array, ops.outChannels, epilogue);
    return y;
  }
  if (group === channels && ops.outChannels === channels) {
    const y = allocateOutput(context, 'float32', dims);
    const op = {
      ...epilogue, x: x.data as Float32Array, taps: tapMajor(ops.w, context), y: y.data as Float32Array,
      batch, channels, inH, inW, outH, outW,
      kernel: pair(win.kernel), strides: pair(win.strides), padsBegin: pair(win.padsBegin), dilations: pair(win.dilations),
    };
    if (y.size > 0 && !wasmNhwcDepthwise(op)) nhwcDepthwiseLoop(op);
    return y;
  }
  const residual = z && permuted(z, TO_NCHW);
  const y = convolve([permuted(x, TO_NCHW), ...inputs.slice(1, 3)], attrs.conv, {
    residual: residual && { dims: residual.dims, values: residual.data as Float32Array }, activation: attrs.activation,
  });
  return permuted(y, TO_NHWC, context);
}

export const nhwcConvKernel: KernelDefinition = kernel<NhwcConvAttributes>({
  domain: NHWC_DOMAIN,
  opType: 'Conv',
  sinceVersion: 1,
  typeConstraints: [0, 1, 2, 3].map((input) => ({ input, types: ['float32'] })),
  parseAttributes: (attrs) => ({ conv: parseConvAttributes(attrs), activation: activationOf(attrs) }),
  run: (inputs, attrs, context) => [nhwcConvolve(inputs, attrs, context)],
});
