/**
 * Attention-23 and -24 (onnx/defs/nn/defs.cc, with the causal mask of nn/utils.cc
 * AttentionAppendFunctionCausalMask), as onnx 1.23 builds them: 3D inputs are split into heads
 * by q_num_heads/kv_num_heads, past keys and values are concatenated, the bias combines the
 * mask (boolean or additive; opset 24 pads a short one and adds nonpad_kv_seqlen padding) and
 * the causal triangle, keys and values are repeated for grouped-query attention, and rows whose
 * bias masks everything give zero weights. A boolean mask needs its type declared.
 */
import type { CallSite, FunctionSource } from '../function-source.js';
import { floatText, lines } from './text.js';

function biasLines(call: CallSite, version: 23 | 24): string | undefined {
  const masked = call.hasInput(3);
  const maskType = call.inputType(3);
  if (masked && maskType === undefined) return undefined;
  const short = maskType === 'bool' ? '  AttnBiasShort = Where (attn_mask, ScalarZero, FloatNegInf)' : '  AttnBiasShort = Identity (attn_mask)';
  const padded = version === 24
    ? lines(
      '  MaskKVSeqLen = Shape <start = -1> (attn_mask)',
      '  PaddingKVSeqLen = Sub (NewKVSeqLen, MaskKVSeqLen)',
      '  Pads = Concat <axis = 0> (Zero1D, PaddingKVSeqLen)',
      '  FloatNegInfCast = CastLike (FloatNegInf, AttnBiasShort)',
      '  AttnBias = Pad (AttnBiasShort, Pads, FloatNegInfCast, NegOne1D)',
    )
    : '  AttnBias = Identity (AttnBiasShort)';
  // With nonpad_kv_seqlen (opset 24) the causal diagonal of each batch ends at its own length.
  const offsetPerBatch = version === 24 && call.hasInput(6);
  const causal = call.int('is_causal', 0) !== 0
    ? lines(
      '  Zero = Constant <value = int64[1] {0}> ()',
      '  One = Constant <value = int64[1] {1}> ()',
      '  ZeroNoDim = Squeeze (Zero, Zero)',
      '  OneNoDim = Squeeze (One, Zero)',
      '  SequenceLength = Gather (AttnBiasShape, ZeroNoDim)',
      '  TotalSequenceLength = Gather (AttnBiasShape, OneNoDim)',
      '  RangeRow = Range (ZeroNoDim, SequenceLength, OneNoDim)',
      '  RangeRow2D = Unsqueeze (RangeRow, One)',
      '  RangeCol = Range (ZeroNoDim, TotalSequenceLength, OneNoDim)',
      '  RangeCol2D = Unsqueeze (RangeCol, Zero)',
      offsetPerBatch
        ? lines(
          '  CausalOffsetPerBatch = Sub (nonpad_kv_seqlen, QSeqLen)',
          '  Axes01 = Constant <value = int64[2] {0, 1}> ()',
          '  Axes123 = Constant <value = int64[3] {1, 2, 3}> ()',
          '  RangeRow4D = Unsqueeze (RangeRow2D, Axes01)',
          '  RangeCol4D = Unsqueeze (RangeCol2D, Axes01)',
          '  OffsetB4D = Unsqueeze (CausalOffsetPerBatch, Axes123)',
          '  RowPlusOff = Add (RangeRow4D, OffsetB4D)',
          '  BoolMaskTri = Less (RowPlusOff, RangeCol4D)',
        )
        : '  RangeRow2DPast = Add (RangeRow2D, PastKVSeqLen)\n  BoolMaskTri = Less (RangeRow2DPast, RangeCol2D)',
      '  MaskTriFloat = Where (BoolMaskTri, FloatNegInf, ScalarZero)',
      '  MaskTri = CastLike (MaskTriFloat, AttnBias)',
      '  AttnBiasCausalOrNot = Add (AttnBias, MaskTri)',
    )
    : '  AttnBiasCausalOrNot = Identity (AttnBias)';
  const nonpad = offsetPerBatch
    ? lines(
      '  KVSeqLenExpanded = Unsqueeze (nonpad_kv_seqlen, One1D)',
      '  KVSeqLen0D = Squeeze (KVSeqLen)',
      '  Zero0D = Constant <value = int64 {0}> ()',
      '  One0D = Constant <value = int64 {1}> ()',
      '  Range = Range (Zero0D, KVSeqLen0D, One0D)',
      '  PaddingMaskBool = Less (Range, KVSeqLenExpanded)',
      '  PaddingMaskFloat = Where (PaddingMaskBool, ScalarZero, FloatNegInf)',
      '  PaddingMask3D = Unsqueeze (PaddingMaskFloat, One1D)',
      '  PaddingMask4DFloat = Unsqueeze (PaddingMask3D, One1D)',
      '  PaddingMask4D = CastLike (PaddingMask4DFloat, AttnBiasCausalOrNot)',
      '  AttnBiasCausalPad = Add (AttnBiasCausalOrNot, PaddingMask4D)',
    )
    : '  AttnBiasCausalPad = Identity (AttnBiasCausalOrNot)';
  return lines(
    '  NewKVSeqLen = Shape <start = -2, end = -1> (PresentKey)',
    '  AttnBiasShape = Concat <axis = 0> (QSeqLen, NewKVSeqLen)',
    '  FloatNegInf = Constant <value = float[1] {-inf}> ()',
    '  ScalarZero = Constant <value = float[1] {0.0}> ()',
    masked ? lines(short, padded) : '  AttnBias = ConstantOfShape (AttnBiasShape)',
    causal,
    nonpad,
    '  AttnBiasT = CastLike (AttnBiasCausalPad, Q)',
  );
}

function qkOutput(call: CallSite, softcapped: boolean): string {
  if (!call.hasOutput(3)) return '';
  const mode = call.int('qk_matmul_output_mode', 0);
  const source = mode === 1 ? (softcapped ? 'QKAttnSoftcapped' : 'QKAttnCast')
    : mode === 2 ? 'QKAttnWeightSoftcap'
      : mode === 3 ? 'SoftmaxOutSafe'
        : 'QKAttnWeight';
  return `  qk_matmul_output = Identity (${source})`;
}

function attentionBody(version: 23 | 24): (call: CallSite) => string | undefined {
  return (call) => {
    const bias = biasLines(call, version);
    if (bias === undefined) return undefined;
    const qHeads = call.int('q_num_heads', 0);
    const kvHeads = call.int('kv_num_heads', 0);
    const split = qHeads > 0 && kvHeads > 0;
    const scale = call.attribute('scale');
    const softcap = call.float('softcap', 0);
    const precision = call.attribute('softmax_precision');
    const inputs = version === 24 ? 'Q, K, V, attn_mask, past_key, past_value, nonpad_kv_seqlen' : 'Q, K, V, attn_mask, past_key, past_value';
    return lines(
      `Attention (${inputs}) => (Y, present_key, present_value, qk_matmul_output) {`,
      '  BatchSize = Shape <start = 0, end = 1> (Q)',
      '  QSeqLen = Shape <start = -2, end = -1> (Q)',
      '  KVSeqLen = Shape <start = -2, end = -1> (K)',
      split
        ? lines(
          `  QNumHeadsAttr = Constant <value = int64[1] {${qHeads}}> ()`,
          `  KVNumHeadsAttr = Constant <value = int64[1] {${kvHeads}}> ()`,
          '  NegOne = Constant <value = int64[1] {-1}> ()',
          '  QIntermediateShape = Concat <axis = 0> (BatchSize, QSeqLen, QNumHeadsAttr, NegOne)',
          '  KVIntermediateShape = Concat <axis = 0> (BatchSize, KVSeqLen, KVNumHeadsAttr, NegOne)',
          '  QIntermediate = Reshape (Q, QIntermediateShape)',
          '  KIntermediate = Reshape (K, KVIntermediateShape)',
          '  VIntermediate = Reshape (V, KVIntermediateShape)',
          '  QReshaped = Transpose <perm = [0, 2, 1, 3]> (QIntermediate)',
          '  KReshaped = Transpose <perm = [0, 2, 1, 3]> (KIntermediate)',
          '  VReshaped = Transpose <perm = [0, 2, 1, 3]> (VIntermediate)',
        )
        : '  QReshaped = Identity (Q)\n  KReshaped = Identity (K)\n  VReshaped = Identity (V)',
      '  QNumHeads = Shape <start = 1, end = 2> (QReshaped)',
      '  KVNumHeads = Shape <start = 1, end = 2> (KReshaped)',
      '  QKHeadSize = Shape <start = 3, end = 4> (QReshaped)',
      '  QKHeadSizeF = Cast <to = 1> (QKHeadSize)',
      '  VHeadSize = Shape <start = 3, end = 4> (VReshaped)',
      '  SqrtHeadSize = Sqrt (QKHeadSizeF)',
      '  One1D = Constant <value = int64[1] {1}> ()',
      version === 24 ? '  NegOne1D = Constant <value = int64[1] {-1}> ()' : '',
      '  One1DF = Constant <value = float[1] {1.0}> ()',
      '  Zero1D = Constant <value = int64[1] {0}> ()',
      '  CalculatedScale = Div (One1DF, SqrtHeadSize)',
      `  ScaleF = Constant <value = float {${floatText(scale?.type === 'float' ? scale.value : 1)}}> ()`,
      scale ? '  ScaleFactor = Identity (ScaleF)' : '  ScaleFactor = Identity (CalculatedScale)',
      '  ScaleFactorSqrt = Sqrt (ScaleFactor)',
      '  ScaleFactorF = CastLike (ScaleFactorSqrt, Q)',
      call.hasInput(4)
        ? '  PresentKey = Concat <axis = 2> (past_key, KReshaped)\n  PastKVSeqLen = Shape <start = -2, end = -1> (past_key)'
        : '  PresentKey = Identity (KReshaped)\n  PastKVSeqLen = Constant <value = int64[1] {0}> ()',
      call.hasOutput(1) ? '  present_key = Identity (PresentKey)' : '',
      call.hasInput(5) ? '  PresentValue = Concat <axis = 2> (past_value, VReshaped)' : '  PresentValue = Identity (VReshaped)',
      call.hasOutput(2) ? '  present_value = Identity (PresentValue)' : '',
      bias,
      '  NGQACond1 = Equal (QNumHeads, KVNumHeads)',
      '  GQACond1 = Not (NGQACond1)',
      '  DivNumHeads = Div (QNumHeads, KVNumHeads)',
      '  IDivNumHeads = Cast <to = 7> (DivNumHeads)',
      '  RemainderNumHeads = Mod (QNumHeads, KVNumHeads)',
      '  GQACond2 = Equal (RemainderNumHeads, Zero1D)',
      '  GQACond = And (GQACond1, GQACond2)',
      '  InterleaveDim = Where (GQACond, IDivNumHeads, One1D)',
      '  Two1D = Constant <value = int64[1] {2}> ()',
      '  KUnsqueezed = Unsqueeze (PresentKey, Two1D)',
      '  VUnsqueezed = Unsqueeze (PresentValue, Two1D)',
      '  KExpandShape = Concat <axis = 0> (BatchSize, KVNumHeads, InterleaveDim, NewKVSeqLen, QKHeadSize)',
      '  KExpanded = Expand (KUnsqueezed, KExpandShape)',
      '  VExpandShape = Concat <axis = 0> (BatchSize, KVNumHeads, InterleaveDim, NewKVSeqLen, VHeadSize)',
      '  VExpanded = Expand (VUnsqueezed, VExpandShape)',
      '  KAttentionShape = Concat <axis = 0> (BatchSize, QNumHeads, NewKVSeqLen, QKHeadSize)',
      '  VAttentionShape = Concat <axis = 0> (BatchSize, QNumHeads, NewKVSeqLen, VHeadSize)',
      '  KAttentionInput = Reshape (KExpanded, KAttentionShape)',
      '  VAttentionInput = Reshape (VExpanded, VAttentionShape)',
      '  KTranspose = Transpose <perm = [0, 1, 3, 2]> (KAttentionInput)',
      '  QScaled = Mul (QReshaped, ScaleFactorF)',
      '  KScaled = Mul (KTranspose, ScaleFactorF)',
      '  QKAttnWeight = MatMul (QScaled, KScaled)',
      '  QKAttnCast = CastLike (QKAttnWeight, Q)',
      softcap !== 0
        ? lines(
          `  Softcap = Constant <value = float[1] {${floatText(softcap)}}> ()`,
          '  SoftcapF = CastLike (Softcap, Q)',
          '  SoftcapDiv = Div (QKAttnCast, SoftcapF)',
          '  SoftcapTanh = Tanh (SoftcapDiv)',
          '  QKAttnSoftcapped = Mul (SoftcapTanh, SoftcapF)',
          '  QKAttnWeightSoftcap = Add (QKAttnSoftcapped, AttnBiasT)',
        )
        : '  QKAttnWeightSoftcap = Add (QKAttnCast, AttnBiasT)',
      precision?.type === 'int' ? `  SoftmaxCast = Cast <to = ${precision.value}> (QKAttnWeightSoftcap)` : '  SoftmaxCast = CastLike (QKAttnWeightSoftcap, Q)',
      '  AttnWeightSoftmax = Softmax (SoftmaxCast)',
      '  SoftmaxOut = CastLike (AttnWeightSoftmax, Q)',
      '  BiasRowMaxAxes = Constant <value = int64[1] {-1}> ()',
      '  BiasRowMax = ReduceMax (AttnBiasT, BiasRowMaxAxes)',
      '  FloatNegInfT = CastLike (FloatNegInf, AttnBiasT)',
      '  RowAllMasked = Equal (BiasRowMax, FloatNegInfT)',
      '  ZeroProbT = CastLike (ScalarZero, SoftmaxOut)',
      '  SoftmaxOutSafe = Where (RowAllMasked, ZeroProbT, SoftmaxOut)',
      qkOutput(call, softcap !== 0),
      '  YPreReshape = MatMul (SoftmaxOutSafe, VAttentionInput)',
      split
        ? lines(
          '  YTranspose = Transpose <perm = [0, 2, 1, 3]> (YPreReshape)',
          '  YNewShape = Concat <axis = 0> (Zero1D, Zero1D, NegOne)',
          '  Y = Reshape (YTranspose, YNewShape)',
        )
        : '  Y = Identity (YPreReshape)',
      '}',
    );
  };
}

export const attentionFunctionBodies: readonly FunctionSource[] = [
  { opType: 'Attention', since: 23, until: 23, bodyOpset: 23, body: attentionBody(23) },
  { opType: 'Attention', since: 24, until: 24, bodyOpset: 24, body: attentionBody(24) },
];
