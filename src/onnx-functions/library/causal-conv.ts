/**
 * CausalConvWithState-27 (onnx/defs/nn/defs.cc): a depthwise convolution over the last axis that
 * sees only the past, the state carrying the last kernel_size - 1 steps between calls; an
 * optional SiLU. The group count is the channel count, so the body needs input dim 1 declared.
 */
import type { CallSite, FunctionSource } from '../function-source.js';
import { lines } from './text.js';

function causalConvBody(call: CallSite): string | undefined {
  const channels = call.inputShape(0)?.[1];
  if (typeof channels !== 'number') return undefined;
  const activation = call.string('activation', 'none');
  if (activation !== 'none' && activation !== 'silu' && activation !== 'swish') return undefined;
  const bias = call.hasInput(2) ? ', bias' : '';
  return lines(
    'CausalConvWithState (input, weight, bias, past_state) => (output, present_state) {',
    '  One1D = Constant <value = int64[1] {1}> ()',
    '  KernelSize = Shape <start = 2, end = 3> (weight)',
    '  Km1 = Sub (KernelSize, One1D)',
    call.hasInput(3)
      ? '  PaddedInput = Concat <axis = 2> (past_state, input)'
      : lines(
        '  BatchDim = Shape <start = 0, end = 1> (input)',
        '  ChannelDim = Shape <start = 1, end = 2> (input)',
        '  ZeroPadShape = Concat <axis = 0> (BatchDim, ChannelDim, Km1)',
        '  ZeroPad = ConstantOfShape (ZeroPadShape)',
        '  ZeroPadCast = CastLike (ZeroPad, input)',
        '  PaddedInput = Concat <axis = 2> (ZeroPadCast, input)',
      ),
    `  ConvOut = Conv <group = ${channels}> (PaddedInput, weight${bias})`,
    activation === 'none'
      ? '  output = Identity (ConvOut)'
      : lines(
        '  ConvOutFloat = Cast <to = 1> (ConvOut)',
        '  ConvSigmoid = Sigmoid (ConvOutFloat)',
        '  MulOutFloat = Mul (ConvOutFloat, ConvSigmoid)',
        '  output = CastLike (MulOutFloat, ConvOut)',
      ),
    '  PadLen = Shape <start = 2, end = 3> (PaddedInput)',
    '  StartIdx = Sub (PadLen, Km1)',
    '  SliceAxes = Constant <value = int64[1] {2}> ()',
    '  present_state = Slice (PaddedInput, StartIdx, PadLen, SliceAxes)',
    '}',
  );
}

export const causalConvFunctionBodies: readonly FunctionSource[] = [
  { opType: 'CausalConvWithState', since: 27, bodyOpset: 27, body: causalConvBody },
];
