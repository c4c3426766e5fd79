/**
 * Loss bodies (onnx/defs/math/defs.cc and old.cc, BuildContextDependentFunctionBody_opset12/13
 * and BuildContextDependentFunctionBodySCE): the shape of the body follows the reduction, whether
 * weights are given and whether ignore_index is set.
 */
import { onnxCodeOf } from '../../tensor/element-type.js';
import type { CallSite, FunctionSource } from '../function-source.js';
import { lines } from './text.js';

/** The loss from loss_unweighted and weight_gather; 'mean' divides by the total weight. */
function reduced(reduction: string): string {
  if (reduction === 'none') return '  loss = Mul (loss_unweighted, weight_gather)';
  const sum = '  loss_Ndd = Mul (loss_unweighted, weight_gather)';
  if (reduction !== 'mean') return `${sum}\n  loss = ReduceSum <keepdims = 0> (loss_Ndd)`;
  return lines(
    sum,
    '  loss_sum = ReduceSum <keepdims = 0> (loss_Ndd)',
    '  weight_gather_sum = ReduceSum <keepdims = 0> (weight_gather)',
    '  loss = Div (loss_sum, weight_gather_sum)',
  );
}

/** Opset 12 gives Unsqueeze and Squeeze their axes as attributes and Slice int32 bounds. */
const negativeLogLikelihoodBody = (version: 12 | 13) => (call: CallSite): string | undefined => {
  const reduction = call.string('reduction', 'mean');
  const weighted = call.hasInput(2);
  const squeeze = (x: string): string => (version === 12 ? `Squeeze <axes = [1]> (${x})` : `Squeeze (${x}, axes)`);
  const bound = version === 12 ? 'int32' : 'int64';
  const head = lines(
    'NegativeLogLikelihoodLoss (input, target, weight) => (loss) {',
    `  const_zero = Constant <value = ${bound}[1] {0}> ()`,
    `  const_one = Constant <value = ${bound}[1] {1}> ()`,
    version === 12
      ? '  expanded_target = Unsqueeze <axes = [1]> (target)'
      : '  axes = Constant <value = int64[1] {1}> ()\n  expanded_target = Unsqueeze (target, axes)',
  );
  const ignore = call.attribute('ignore_index');
  if (ignore === undefined) {
    const gathered = lines(
      '  input_gather_element = GatherElements <axis = 1> (input, expanded_target)',
      '  loss_NCdd = Neg (input_gather_element)',
      '  loss_N1dd = Slice (loss_NCdd, const_zero, const_one, const_one)',
    );
    let tail: string;
    if (!weighted) {
      const reduce = reduction === 'mean' ? 'ReduceMean' : 'ReduceSum';
      tail = reduction === 'none'
        ? `  loss = ${squeeze('loss_N1dd')}`
        : `  loss_Ndd = ${squeeze('loss_N1dd')}\n  loss = ${reduce} <keepdims = 0> (loss_Ndd)`;
    } else {
      tail = lines('  weight_gather = Gather (weight, target)', `  loss_unweighted = ${squeeze('loss_N1dd')}`, reduced(reduction));
    }
    return lines(head, gathered, tail, '}');
  }
  // Opset 13 has no CastLike: the zeros and ones take the input's type by Cast, so it must be known.
  const inputType = call.inputType(0);
  if (inputType === undefined) return undefined;
  const typed = (name: string, value: string): string => inputType === 'float32'
    ? `  ${name} = Constant <value = float[1] {${value}}> ()`
    : `  ${name}_float = Constant <value = float[1] {${value}}> ()\n  ${name} = Cast <to = ${onnxCodeOf(inputType)}> (${name}_float)`;
  return lines(
    head,
    `  const_ignore_index = Constant <value = int64[1] {${call.int('ignore_index', 0)}}> ()`,
    '  const_zero_target_typed = Sub (expanded_target, expanded_target)',
    '  expanded_target_int64 = Cast <to = 7> (expanded_target)',
    '  mask = Equal (expanded_target_int64, const_ignore_index)',
    '  transform_targets = Where (mask, const_zero_target_typed, expanded_target)',
    '  input_gather_element = GatherElements <axis = 1> (input, transform_targets)',
    typed('const_zero_casted', '0.0'),
    '  input_gather_element_transform = Where (mask, const_zero_casted, input_gather_element)',
    '  loss_NCdd = Neg (input_gather_element_transform)',
    '  loss_N1dd = Slice (loss_NCdd, const_zero, const_one, const_one)',
    weighted
      ? lines(
        '  weight_gather_temp = Gather (weight, transform_targets)',
        '  weight_gather_temp_1 = Where (mask, const_zero_casted, weight_gather_temp)',
        `  weight_gather = ${squeeze('weight_gather_temp_1')}`,
      )
      : lines(
        `  squeeze_mask = ${squeeze('mask')}`,
        typed('const_one_casted', '1.0'),
        '  weight_gather = Where (squeeze_mask, const_zero_casted, const_one_casted)',
      ),
    `  loss_unweighted = ${squeeze('loss_N1dd')}`,
    reduced(reduction),
    '}',
  );
};

function softmaxCrossEntropyBody(call: CallSite): string {
  const weights = call.hasInput(2) ? ', weights' : '';
  return lines(
    'SoftmaxCrossEntropyLoss <reduction: string = "mean", ignore_index> (scores, labels, weights) => (output, log_prob) {',
    '  Shape3D = Constant <value = int64[3] {0, 0, -1}> ()',
    '  X_NCD = Reshape (scores, Shape3D)',
    '  X_NDC = Transpose <perm = [0, 2, 1]> (X_NCD)',
    '  X_LogSM = LogSoftmax <axis = 2> (X_NDC)',
    '  X_LogSM_NCD = Transpose <perm = [0, 2, 1]> (X_LogSM)',
    '  X_shape = Shape (scores)',
    '  X_Log = Reshape (X_LogSM_NCD, X_shape)',
    call.hasOutput(1) ? '  log_prob = Identity (X_Log)' : '',
    `  output = NegativeLogLikelihoodLoss <reduction: string = @reduction, ignore_index: int = @ignore_index> (X_Log, labels${weights})`,
    '}',
  );
}

export const lossFunctionBodies: readonly FunctionSource[] = [
  { opType: 'NegativeLogLikelihoodLoss', since: 12, until: 12, bodyOpset: 12, body: negativeLogLikelihoodBody(12) },
  { opType: 'NegativeLogLikelihoodLoss', since: 13, until: 21, bodyOpset: 13, body: negativeLogLikelihoodBody(13) },
  { opType: 'NegativeLogLikelihoodLoss', since: 22, bodyOpset: 22, body: negativeLogLikelihoodBody(13) },
  { opType: 'SoftmaxCrossEntropyLoss', since: 12, until: 12, bodyOpset: 12, body: softmaxCrossEntropyBody },
  { opType: 'SoftmaxCrossEntropyLoss', since: 13, bodyOpset: 13, body: softmaxCrossEntropyBody },
];
