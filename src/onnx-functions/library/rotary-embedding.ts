/**
 * RotaryEmbedding-23 (onnx/defs/nn/defs.cc): rotates the first rotary_embedding_dim channels of
 * each head by the cached cos/sin, halves or interleaved pairs. The body depends on whether X is
 * 3D (batch, seq, heads*size; reshaped by num_heads) or 4D (batch, heads, seq, size), so it is
 * built only where X's rank is declared.
 */
import type { CallSite, FunctionSource } from '../function-source.js';
import { lines } from './text.js';

function rotaryEmbeddingBody(call: CallSite): string | undefined {
  const rank = call.inputShape(0)?.length;
  if (rank !== 3 && rank !== 4) return undefined;
  const rotaryDim = call.int('rotary_embedding_dim', 0);
  const interleaved = call.int('interleaved', 0) !== 0;
  const gathered = call.hasInput(3);
  return lines(
    'RotaryEmbedding (X, cos_cache, sin_cache, position_ids) => (Y) {',
    '  Zero1D = Constant <value = int64[1] {0}> ()',
    `  NumHeads = Constant <value = int64[1] {${call.int('num_heads', 0)}}> ()`,
    '  NegOne = Constant <value = int64[1] {-1}> ()',
    rank === 3
      ? '  NewShape = Concat <axis = 0> (Zero1D, Zero1D, NumHeads, NegOne)\n  XIn = Reshape (X, NewShape)'
      : '  XIn = Transpose <perm = [0, 2, 1, 3]> (X)',
    '  HeadSize = Shape <start = 3, end = 4> (XIn)',
    rotaryDim > 0 ? `  RotaryEmbedDim = Constant <value = int64[1] {${rotaryDim}}> ()` : '  RotaryEmbedDim = Identity (HeadSize)',
    '  Two1D = Constant <value = int64[1] {2}> ()',
    '  NoRotateLength = Sub (HeadSize, RotaryEmbedDim)',
    '  RotateSplitLengths = Concat <axis = 0> (RotaryEmbedDim, NoRotateLength)',
    '  XToRotate, XNoRotate = Split <axis = -1> (XIn, RotateSplitLengths)',
    gathered ? '  CosCacheGather = Gather (cos_cache, position_ids)' : '  CosCacheGather = Identity (cos_cache)',
    gathered ? '  SinCacheGather = Gather (sin_cache, position_ids)' : '  SinCacheGather = Identity (sin_cache)',
    '  RotaryEmbedDimHalf = Div (RotaryEmbedDim, Two1D)',
    '  RotaryEmbedDimHalfInt = Cast <to = 7> (RotaryEmbedDimHalf)',
    '  CosCacheSliced = Slice (CosCacheGather, Zero1D, RotaryEmbedDimHalfInt, Two1D)',
    '  SinCacheSliced = Slice (SinCacheGather, Zero1D, RotaryEmbedDimHalfInt, Two1D)',
    '  CosCacheUnsqueezed = Unsqueeze (CosCacheSliced, Two1D)',
    '  SinCacheUnsqueezed = Unsqueeze (SinCacheSliced, Two1D)',
    interleaved
      ? lines(
        '  One1D = Constant <value = int64[1] {1}> ()',
        '  AxesRotaryDim = Constant <value = int64[1] {3}> ()',
        '  RotaryEmbedDimInclusive = Add (RotaryEmbedDim, One1D)',
        '  X1 = Slice (XToRotate, Zero1D, RotaryEmbedDim, AxesRotaryDim, Two1D)',
        '  X2 = Slice (XToRotate, One1D, RotaryEmbedDimInclusive, AxesRotaryDim, Two1D)',
      )
      : '  X1, X2 = Split <axis = -1, num_outputs = 2> (XToRotate)',
    '  CosX1 = Mul (CosCacheUnsqueezed, X1)',
    '  SinX2 = Mul (SinCacheUnsqueezed, X2)',
    '  Real = Sub (CosX1, SinX2)',
    '  SinX1 = Mul (SinCacheUnsqueezed, X1)',
    '  CosX2 = Mul (CosCacheUnsqueezed, X2)',
    '  Imaginary = Add (SinX1, CosX2)',
    interleaved
      ? lines(
        '  RealInterleave = Unsqueeze (Real, NegOne)',
        '  ImaginaryInterleave = Unsqueeze (Imaginary, NegOne)',
        '  XRotatedInterleavedConcat = Concat <axis = -1> (RealInterleave, ImaginaryInterleave)',
        '  XRotatedShape = Shape (XToRotate)',
        '  XRotated = Reshape (XRotatedInterleavedConcat, XRotatedShape)',
      )
      : '  XRotated = Concat <axis = -1> (Real, Imaginary)',
    '  XConcat = Concat <axis = -1> (XRotated, XNoRotate)',
    rank === 3 ? '  YTransposed = Identity (XConcat)' : '  YTransposed = Transpose <perm = [0, 2, 1, 3]> (XConcat)',
    '  XShape = Shape (X)',
    '  Y = Reshape (YTransposed, XShape)',
    '}',
  );
}

export const rotaryEmbeddingFunctionBodies: readonly FunctionSource[] = [
  { opType: 'RotaryEmbedding', since: 23, bodyOpset: 23, body: rotaryEmbeddingBody },
];
