/**
 * LinearAttention-27 (onnx/defs/nn/defs.cc): a Scan over the sequence that updates a per-head
 * key-by-value state and reads it with the query. update_rule picks the update: 'linear'
 * (state += k v^T), 'gated' (state decays by exp(decay) first), 'delta' (writes beta times the
 * difference between v and what the state recalls for k) or 'gated_delta' (both). With fewer
 * key/value heads than query heads the state is repeated for the read.
 */
import type { CallSite, FunctionSource } from '../function-source.js';
import { floatText, lines } from './text.js';

const RULES = new Set(['linear', 'gated', 'delta', 'gated_delta']);

function linearAttentionBody(call: CallSite): string | undefined {
  const qHeads = call.int('q_num_heads', 0);
  const kvHeads = call.int('kv_num_heads', 0);
  const rule = call.string('update_rule', 'gated_delta');
  if (qHeads <= 0 || kvHeads <= 0 || !RULES.has(rule)) return undefined;
  const gated = rule === 'gated' || rule === 'gated_delta';
  const delta = rule === 'delta' || rule === 'gated_delta';
  const grouped = qHeads !== kvHeads;
  const scale = call.float('scale', 0);
  const scanned = ['q_t', 'k_t', 'v_t', ...(gated ? ['decay_t'] : []), ...(delta ? ['beta_t'] : [])];
  const state = gated ? 'DecayedState' : 'state_in';
  const readFrom = grouped ? 'StateForRead' : 'state_out';
  const step = lines(
    `  FinalState, OutputAccum = Scan (State0, Q4D, K4D, V4D${gated ? ', Decay4D' : ''}${delta ? ', Beta4D' : ''}) <num_scan_inputs = ${scanned.length}, body = linear_attn_step (state_in, ${scanned.join(', ')}) => (state_out, output_t) {`,
    ...scanned.map((t) => `    ${t}_f = Cast <to = 1> (${t})`),
    gated ? '    DecayExp = Exp (decay_t_f)\n    DecayExpUnsq = Unsqueeze (DecayExp, NegOne1D)\n    DecayedState = Mul (state_in, DecayExpUnsq)' : '',
    '    KtCol = Unsqueeze (k_t_f, NegOne1D)',
    delta
      ? lines(
        `    StateT = Transpose <perm = [0, 1, 3, 2]> (${state})`,
        '    Retrieved = MatMul (StateT, KtCol)',
        '    RetrievedSq = Squeeze (Retrieved, NegOne1D)',
        '    Diff = Sub (v_t_f, RetrievedSq)',
        '    Delta = Mul (beta_t_f, Diff)',
        '    WriteRow = Unsqueeze (Delta, NegTwo1D)',
      )
      : '    WriteRow = Unsqueeze (v_t_f, NegTwo1D)',
    '    Outer = MatMul (KtCol, WriteRow)',
    `    state_out = Add (${state}, Outer)`,
    grouped
      ? lines(
        '    StateUnsq = Unsqueeze (state_out, Two1D)',
        '    StateExpanded = Expand (StateUnsq, StateExpandShape)',
        '    StateForRead = Reshape (StateExpanded, StateReadShape)',
      )
      : '',
    '    QtRow = Unsqueeze (q_t_f, NegTwo1D)',
    `    ReadOut = MatMul (QtRow, ${readFrom})`,
    '    ReadSq = Squeeze (ReadOut, NegTwo1D)',
    '    output_t_f = Mul (ScaleFactor, ReadSq)',
    '    output_t = CastLike (output_t_f, q_t)',
    '  }>',
  );
  return lines(
    'LinearAttention (query, key, value, past_state, decay, beta) => (output, present_state) {',
    '  NegOne1D = Constant <value = int64[1] {-1}> ()',
    '  One1D = Constant <value = int64[1] {1}> ()',
    `  HqConst = Constant <value = int64[1] {${qHeads}}> ()`,
    `  HkvConst = Constant <value = int64[1] {${kvHeads}}> ()`,
    '  BatchDim = Shape <start = 0, end = 1> (query)',
    '  SeqLenDim = Shape <start = 1, end = 2> (query)',
    '  QShape4D = Concat <axis = 0> (BatchDim, SeqLenDim, HqConst, NegOne1D)',
    '  QReshaped = Reshape (query, QShape4D)',
    '  Q4D = Transpose <perm = [1, 0, 2, 3]> (QReshaped)',
    '  KVShape4D = Concat <axis = 0> (BatchDim, SeqLenDim, HkvConst, NegOne1D)',
    '  KReshaped = Reshape (key, KVShape4D)',
    '  K4D = Transpose <perm = [1, 0, 2, 3]> (KReshaped)',
    '  VReshaped = Reshape (value, KVShape4D)',
    '  V4D = Transpose <perm = [1, 0, 2, 3]> (VReshaped)',
    gated ? '  DecayReshaped = Reshape (decay, KVShape4D)\n  Decay4D = Transpose <perm = [1, 0, 2, 3]> (DecayReshaped)' : '',
    delta
      ? lines(
        '  BetaShape4D = Concat <axis = 0> (BatchDim, SeqLenDim, NegOne1D, One1D)',
        '  BetaReshaped = Reshape (beta, BetaShape4D)',
        '  Beta4D = Transpose <perm = [1, 0, 2, 3]> (BetaReshaped)',
      )
      : '',
    '  QLastDim = Shape <start = 2, end = 3> (query)',
    '  VLastDim = Shape <start = 2, end = 3> (value)',
    '  DkDim = Div (QLastDim, HqConst)',
    '  DvDim = Div (VLastDim, HkvConst)',
    call.hasInput(3)
      ? '  State0 = Cast <to = 1> (past_state)'
      : '  StateShape = Concat <axis = 0> (BatchDim, HkvConst, DkDim, DvDim)\n  State0 = ConstantOfShape (StateShape)',
    scale !== 0
      ? `  ScaleFactor = Constant <value = float {${floatText(scale)}}> ()`
      : lines(
        '  DkScalar = Squeeze (DkDim)',
        '  DkFloat = Cast <to = 1> (DkScalar)',
        '  SqrtDk = Sqrt (DkFloat)',
        '  ScaleFactor = Reciprocal (SqrtDk)',
      ),
    grouped
      ? lines(
        `  GroupSize = Constant <value = int64[1] {${Math.trunc(qHeads / kvHeads)}}> ()`,
        '  Two1D = Constant <value = int64[1] {2}> ()',
        '  StateExpandShape = Concat <axis = 0> (BatchDim, HkvConst, GroupSize, DkDim, DvDim)',
        '  StateReadShape = Concat <axis = 0> (BatchDim, HqConst, DkDim, DvDim)',
      )
      : '',
    '  NegTwo1D = Constant <value = int64[1] {-2}> ()',
    step,
    '  OutputTransposed = Transpose <perm = [1, 0, 2, 3]> (OutputAccum)',
    '  OutputShape3D = Concat <axis = 0> (BatchDim, SeqLenDim, NegOne1D)',
    '  output = Reshape (OutputTransposed, OutputShape3D)',
    `  present_state = CastLike (FinalState, ${call.hasInput(3) ? 'past_state' : 'query'})`,
    '}',
  );
}

export const linearAttentionFunctionBodies: readonly FunctionSource[] = [
  { opType: 'LinearAttention', since: 27, bodyOpset: 27, body: linearAttentionBody },
];
