/**
 * Attention (com.microsoft, the BERT/GPT-2 form): Q, K and V are projected from one input by
 * a merged weight matrix [input_hidden, q_hidden + k_hidden + v_hidden] plus bias, split into
 * num_heads heads, optionally preceded by a past state [2, batch, heads, past, head_size]
 * (returned extended as `present`), and masked by mask_index (see attention-mask.ts), the
 * unidirectional flag and an additive attention_bias.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { allocateOutput, kernel, type KernelContext, type KernelInputs, type PlanTimeContext } from '../kernel.js';
import { gemm, type FloatArray } from '../linalg/gemm-core.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { attentionBiasRows } from './attention-bias.js';
import { attend, bnshHeads, tokenMajorHeads, type RowHook } from './attention-core.js';
import { maskIndexFormat, maskRows } from './attention-mask.js';
import { HALF_AND_SINGLE, MS_DOMAIN, lowestOf, requireTypeOf } from './element-types.js';
import { extendCache } from './heads.js';

interface AttentionAttributes {
  readonly heads: number;
  readonly causal: boolean;
  readonly hiddenSizes: readonly number[] | undefined;
  readonly filter: number;
  readonly scale: number;
  readonly wantsPresent: boolean;
}

function parseAttributes(attrs: AttributeReader, context: PlanTimeContext): AttentionAttributes {
  const heads = attrs.int('num_heads', 0);
  if (heads < 1) throw new KernelInputError(`attribute 'num_heads' must be a positive integer, got ${heads}`);
  if (attrs.int('do_rotary', 0) !== 0) throw new KernelInputError(`attribute 'do_rotary' is not supported; apply RotaryEmbedding before MultiHeadAttention instead`);
  if (attrs.int('past_present_share_buffer', 0) !== 0) throw new KernelInputError(`attribute 'past_present_share_buffer' is not supported`);
  const hiddenSizes = attrs.ints('qkv_hidden_sizes');
  if (hiddenSizes !== undefined && hiddenSizes.length > 0 && (hiddenSizes.length !== 3 || hiddenSizes[0] !== hiddenSizes[1])) {
    throw new KernelInputError(`attribute 'qkv_hidden_sizes' must hold 3 sizes, the first two equal, got [${hiddenSizes.join(',')}]`);
  }
  return {
    heads,
    causal: attrs.int('unidirectional', 0) !== 0,
    hiddenSizes: hiddenSizes?.length ? hiddenSizes : undefined,
    filter: attrs.float('mask_filter_value', -10000),
    scale: attrs.float('scale', 0),
    wantsPresent: context.outputCount > 1,
  };
}

/**
 * float32 storage for the kernel's own use: from the run's arena where there is one, so the
 * GEMMs address it in WebAssembly memory without copies and no run allocates it afresh (large
 * fresh arrays per run bring major collections, whose marking takes a helper thread's core).
 */
function float32Storage(context: KernelContext | undefined, dims: readonly number[]): Float32Array {
  return allocateOutput(context, 'float32', dims).data as Float32Array;
}

/**
 * X [B*S, Din] times the merged weights [Din, Dt], plus bias: every token's Q, K and V heads
 * side by side. Constant weights are marked so the GEMM may keep them packed between runs.
 */
function project(x: DenseTensor, weights: DenseTensor, bias: DenseTensor | undefined, context: KernelContext | undefined): Float32Array {
  const [rows, inner, width] = [x.dims[0] * x.dims[1], x.dims[2], weights.dims[1]];
  // A temporary: the arena frees what a step allocated and no value holds once the step ends.
  const projected = float32Storage(context, [rows, width]);
  if (bias) {
    const b = computeValues(bias) as NumberArray;
    for (let r = 0; r < rows; r++) projected.set(b, r * width);
  }
  gemm({
    m: rows, n: width, k: inner, a: computeValues(x) as FloatArray, aOffset: 0, lda: inner, transA: false,
    b: computeValues(weights) as FloatArray, bOffset: 0, ldb: width, transB: false, c: projected, cOffset: 0, ldc: width, alpha: 1, beta: bias ? 1 : 0,
    constantB: context?.isConstant?.(weights) ? weights : undefined,
  });
  return projected;
}

function checkShapes(x: DenseTensor, weights: DenseTensor, bias: DenseTensor | undefined, attrs: AttentionAttributes): [number, number] {
  if (x.rank !== 3) throw new KernelInputError(`input must be 3-D [batch, seq, input_hidden], got ${formatShape(x.dims)}`);
  if (weights.rank !== 2 || weights.dims[0] !== x.dims[2]) {
    throw new KernelInputError(`weights must have shape [${x.dims[2]}, q_hidden + k_hidden + v_hidden], got ${formatShape(weights.dims)}`);
  }
  const width = weights.dims[1];
  if (bias && (bias.rank !== 1 || bias.dims[0] !== width)) throw new KernelInputError(`bias must have shape [${width}], got ${formatShape(bias.dims)}`);
  const [qHidden, , vHidden] = attrs.hiddenSizes ?? [width / 3, width / 3, width / 3];
  if (2 * qHidden + vHidden !== width || qHidden % attrs.heads !== 0 || vHidden % attrs.heads !== 0) {
    throw new KernelInputError(`weights' ${width} columns do not split into Q, K and V hidden sizes divisible by ${attrs.heads} heads`);
  }
  return [qHidden, vHidden];
}

function contribAttention(inputs: KernelInputs, attrs: AttentionAttributes, context: KernelContext | undefined) {
  const x = tensorInput(inputs, 0, 'input');
  const weights = tensorInput(inputs, 1, 'weights');
  const bias = optionalTensorInput(inputs, 2, 'bias');
  const mask = optionalTensorInput(inputs, 3, 'mask_index');
  const past = optionalTensorInput(inputs, 4, 'past');
  requireTypeOf(x, 'input', inputs, [[1, 'weights'], [2, 'bias'], [4, 'past'], [5, 'attention_bias']]);
  const [qHidden, vHidden] = checkShapes(x, weights, bias, attrs);
  const [batch, seq] = x.dims;
  const heads = attrs.heads;
  const [size, vSize] = [qHidden / heads, vHidden / heads];
  if ((past || attrs.wantsPresent) && size !== vSize) throw new KernelInputError('past and present need K and V of one hidden size');
  const pastLength = past ? pastRows(past, batch, heads, size) : 0;
  const total = pastLength + seq;

  const projected = project(x, weights, bias, context);
  const width = weights.dims[1];
  const q = tokenMajorHeads(projected, heads, seq, size, width, 0);
  const k = tokenMajorHeads(projected, heads, seq, size, width, qHidden);
  const v = tokenMajorHeads(projected, heads, seq, vSize, width, 2 * qHidden);

  const maskRow = maskRows({
    mask,
    format: mask && maskIndexFormat(mask, batch, seq, total, attrs.causal),
    seq,
    past: pastLength,
    total,
    causal: attrs.causal,
    filter: attrs.filter,
    lowest: lowestOf(x.type),
  });
  const attentionBias = optionalTensorInput(inputs, 5, 'attention_bias');
  const biasRow = attentionBiasRows(attentionBias, batch, heads, seq, total);
  const out = x.type === 'float32' ? float32Storage(context, [batch, seq, vHidden]) : new Float32Array(batch * seq * vHidden);
  const logits: RowHook | undefined = maskRow && biasRow
    ? (b, h, i, scores, at) => {
      maskRow(b, i, scores, at);
      biasRow(b, h, i, scores, at);
    }
    : maskRow ? (b, _h, i, scores, at) => maskRow(b, i, scores, at) : biasRow;
  const scale = attrs.scale || 1 / Math.sqrt(size);
  // A bias broadcast over heads (BERT exports expand the mask to [batch, 1, seq, total]) ignores the head, as the mask does.
  const headInvariantLogits = attentionBias === undefined || attentionBias.dims[1] === 1;
  // maskRows applies the causal mask to rows of sequences longer than 1 only.
  const causalOffset = attrs.causal && seq > 1 ? pastLength : undefined;
  if (!past && !attrs.wantsPresent) {
    attend({ batch, q, k, v, scale, logits, additiveLogits: true, headInvariantLogits, causalOffset }, out);
    return [tensorFromCompute(x.type, [batch, seq, vHidden], out)];
  }
  const [pastKey, pastValue] = past ? splitPast(past) : [];
  const present = new Float32Array(2 * batch * heads * total * size);
  const presentKey = present.subarray(0, present.length / 2);
  const presentValue = present.subarray(present.length / 2);
  extendCache(pastKey, k, batch, presentKey);
  extendCache(pastValue, v, batch, presentValue);
  attend({
    batch, q, k: bnshHeads(presentKey, heads, total, size), v: bnshHeads(presentValue, heads, total, size),
    scale, logits, additiveLogits: true, headInvariantLogits, causalOffset,
  }, out);
  const output = tensorFromCompute(x.type, [batch, seq, vHidden], out);
  if (!attrs.wantsPresent) return [output];
  return [output, tensorFromCompute(x.type, [2, batch, heads, total, size], present)];
}

/** past [2, B, N, P, H] as its key and value halves. */
function splitPast(past: DenseTensor): [DenseTensor, DenseTensor] {
  const dims = past.dims.slice(1);
  const data = past.data as Float32Array | Uint16Array;
  const half = data.length / 2;
  return [new DenseTensor(past.type, dims, data.subarray(0, half)), new DenseTensor(past.type, dims, data.subarray(half))];
}

function pastRows(past: DenseTensor, batch: number, heads: number, size: number): number {
  const [two, b, n, , h] = past.dims;
  if (past.rank !== 5 || two !== 2 || b !== batch || n !== heads || h !== size) {
    throw new KernelInputError(`past must have shape [2, ${batch}, ${heads}, past_seq, ${size}], got ${formatShape(past.dims)}`);
  }
  return past.dims[3];
}

export const contribAttentionKernel = kernel<AttentionAttributes>({
  domain: MS_DOMAIN,
  opType: 'Attention',
  sinceVersion: 1,
  typeConstraints: [
    ...[0, 1, 2, 4, 5].map((input) => ({ input, types: HALF_AND_SINGLE })),
    { input: 3, types: ['int32'] },
  ],
  parseAttributes,
  run: (inputs, attrs, context) => contribAttention(inputs, attrs, context),
});
