/**
 * CausalConvWithState (opset 27): a depthwise 1-D convolution over the input prefixed with the
 * carried state (zeros when none), so output t sees inputs t - k + 1 .. t; the last k - 1
 * values of that prefixed sequence become the next state. Optional fused SiLU.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import { kernel } from '../kernel.js';
import { optionalTensorInput, requireSameType, tensorInput } from '../support/inputs.js';
import { computeBuffer, tensorFromCompute } from '../support/numeric.js';
import { fillBias, floatValues } from './conv-operands.js';
import { depthwiseConv } from './depthwise-conv.js';
import { type SlidingWindow } from './sliding-window.js';
import { checkedDims } from '../support/shape-input.js';

const TYPES: readonly DataType[] = ['float32', 'float16', 'bfloat16'];

function parseActivation(name: string): boolean {
  if (name === 'silu' || name === 'swish') return true;
  if (name === 'none') return false;
  throw new KernelInputError(`attribute 'activation' must be 'silu', 'swish' or 'none', got '${name}'`);
}

function expectShape(dims: readonly number[], expected: readonly number[], what: string): void {
  if (dims.length !== expected.length || dims.some((d, i) => d !== expected[i])) {
    throw new KernelInputError(`${what} must have shape ${formatShape(expected)}, got ${formatShape(dims)}`);
  }
}

export const causalConvWithStateKernel = kernel<{ silu: boolean }>({
  domain: '',
  opType: 'CausalConvWithState',
  sinceVersion: 27,
  typeConstraints: [0, 1, 2, 3].map((input) => ({ input, types: TYPES })),
  parseAttributes: (attrs) => ({ silu: parseActivation(attrs.string('activation', 'none')) }),
  run(inputs, { silu }) {
    const input = tensorInput(inputs, 0, 'input');
    const weight = tensorInput(inputs, 1, 'weight');
    const bias = optionalTensorInput(inputs, 2, 'bias');
    const past = optionalTensorInput(inputs, 3, 'past_state');
    if (input.rank !== 3) throw new KernelInputError(`input must have shape [batch, channels, length], got ${formatShape(input.dims)}`);
    const [batch, channels, length] = input.dims;
    if (weight.rank !== 3 || weight.dims[0] !== channels || weight.dims[1] !== 1 || weight.dims[2] < 1) {
      throw new KernelInputError(`weight must have shape [${channels}, 1, k] with k >= 1, got ${formatShape(weight.dims)}`);
    }
    for (const [t, what] of [[weight, 'weight'], [bias, 'bias'], [past, 'past_state']] as const) {
      if (t) requireSameType(input, t, `input and ${what}`);
    }
    const carried = weight.dims[2] - 1;
    if (bias) expectShape(bias.dims, [channels], 'bias');
    if (past) expectShape(past.dims, [batch, channels, carried], 'past_state');
    const span = carried + length;
    checkedDims([batch, channels, span], 'the prefixed sequence');
    const x = floatValues(input);
    const state = past ? floatValues(past) : undefined;
    const sequence = computeBuffer(input.type, batch * channels * span) as FloatArray;
    for (let plane = 0; plane < batch * channels; plane++) {
      if (state) sequence.set(state.subarray(plane * carried, (plane + 1) * carried), plane * span);
      sequence.set(x.subarray(plane * length, (plane + 1) * length), plane * span + carried);
    }
    const y = computeBuffer(input.type, batch * channels * length) as FloatArray;
    fillBias(y, bias ? floatValues(bias) : undefined, batch, channels, length);
    const win: SlidingWindow = { image: [span], grid: [length], kernel: [carried + 1], strides: [1], dilations: [1], padsBegin: [0], padsEnd: [0] };
    depthwiseConv({ x: sequence, w: floatValues(weight), y, batch, channels, multiplier: 1 }, win);
    if (silu) for (let i = 0; i < y.length; i++) y[i] = y[i] / (1 + Math.exp(-y[i]));
    const present = computeBuffer(input.type, batch * channels * carried) as FloatArray;
    for (let plane = 0; plane < batch * channels; plane++) {
      present.set(sequence.subarray((plane + 1) * span - carried, (plane + 1) * span), plane * carried);
    }
    return [tensorFromCompute(input.type, input.dims, y), tensorFromCompute(input.type, [batch, channels, carried], present)];
  },
});
