/**
 * Context-dependent tensor bodies: CenterCropPad (onnx/defs/tensor/defs.cc; axes) and Range-27
 * (onnx/defs/generator/defs.cc), which counts in stash_type for float16 and bfloat16 inputs.
 */
import type { CallSite, FunctionSource } from '../function-source.js';
import { intsText, lines } from './text.js';

function centerCropPadBody(call: CallSite): string {
  const axes = call.ints('axes');
  const on = (x: string): string => (axes ? `${x}, "", axes_input` : x);
  return lines(
    'CenterCropPad (input_data, shape) => (output_data) {',
    '  k2 = Constant <value = int64[1] {2}> ()',
    axes
      ? `  axes_input = Constant <value_ints = ${intsText(axes)}> ()\n  x_shape_alldims = Shape (input_data)\n  x_shape = Gather (x_shape_alldims, axes_input)`
      : '  x_shape = Shape (input_data)',
    '  padded_sh = Max (x_shape, shape)',
    '  pad_amount = Sub (padded_sh, x_shape)',
    '  pad_amount_left = Div (pad_amount, k2)',
    '  pad_amount_right = Sub (pad_amount, pad_amount_left)',
    '  pads = Concat <axis = 0> (pad_amount_left, pad_amount_right)',
    `  padded_input = Pad (${on('input_data, pads')})`,
    axes ? '  x_shape_alldims2 = Shape (padded_input)\n  x_shape2 = Gather (x_shape_alldims2, axes_input)' : '  x_shape2 = Shape (padded_input)',
    '  sh_diff = Sub (x_shape2, shape)',
    '  start_dims = Div (sh_diff, k2)',
    '  end_dims = Add (start_dims, shape)',
    axes ? '  output_data = Slice (padded_input, start_dims, end_dims, axes_input)' : '  output_data = Slice (padded_input, start_dims, end_dims)',
    '}',
  );
}

function rangeBody(call: CallSite): string | undefined {
  const type = call.inputType(0);
  if (type === undefined) return undefined;
  const stashed = type === 'float16' || type === 'bfloat16';
  const [start, limit, delta] = stashed ? ['start_s', 'limit_s', 'delta_s'] : ['start', 'limit', 'delta'];
  const stash = call.int('stash_type', 1);
  return lines(
    'Range (start, limit, delta) => (output) {',
    stashed
      ? `  start_s = Cast <to = ${stash}> (start)\n  limit_s = Cast <to = ${stash}> (limit)\n  delta_s = Cast <to = ${stash}> (delta)`
      : '',
    `  sub_result = Sub (${limit}, ${start})`,
    stashed
      ? '  div_result = Div (sub_result, delta_s)'
      : '  sub_result_casted = Cast <to = 1> (sub_result)\n  delta_casted = Cast <to = 1> (delta)\n  div_result = Div (sub_result_casted, delta_casted)',
    '  ceil_result = Ceil (div_result)',
    '  ceil_result_relu = Relu (ceil_result)',
    '  n = Cast <to = 7> (ceil_result_relu)',
    '  loop_cond = Cast <to = 9> (ceil_result_relu)',
    `  variadic_output, ${stashed ? 'output_s' : 'output'} = Loop (n, loop_cond, ${start}) <body = loop_body (int64 i, bool cond_in, prev) => (cond_out, current, range) {`,
    '    cond_out = Identity (cond_in)',
    `    current = Add (prev, ${delta})`,
    '    range = Identity (prev)',
    '  }>',
    stashed ? '  output = CastLike (output_s, start)' : '',
    '}',
  );
}

export const tensorContextFunctionBodies: readonly FunctionSource[] = [
  { opType: 'CenterCropPad', since: 18, bodyOpset: 18, body: centerCropPadBody },
  { opType: 'Range', since: 27, bodyOpset: 27, body: rangeBody },
];
