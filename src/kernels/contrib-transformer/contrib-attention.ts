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
import { kernel, type KernelInputs, type PlanTimeContext } from '../kernel.js';
import { gemm, type FloatArray } from '../linalg/gemm-core.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { attentionBiasRows } from './attention-bias.js';
import { attend } from './attention-core.js';
import { maskIndexFormat, maskRows } from './attention-mask.js';
import { HALF_AND_SINGLE, MS_DOMAIN, lowestOf, requireTypeOf } from './element-types.js';
import { extendCache, gatherHeads, rowMajorHeads, type HeadShape } from './heads.js';

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

/** Every token's Q, K and V heads (BNSH): X [B*S, Din] times the merged weights [Din, Dt], plus bias. */
function projectHeads(x: DenseTensor, weights: DenseTensor, bias: DenseTensor | undefined, shape: HeadShape, vSize: number) {
  const [rows, inner, width] = [x.dims[0] * x.dims[1], x.dims[2], weights.dims[1]];
  const projected = new Float32Array(rows * width);
  if (bias) {
    const b = computeValues(bias) as NumberArray;
    for (let r = 0; r < rows; r++) projected.set(b, r * width);
  }
  gemm({
    m: rows, n: width, k: inner, a: computeValues(x) as FloatArray, aOffset: 0, lda: inner, transA: false,
    b: computeValues(weights) as FloatArray, bOffset: 0, ldb: width, transB: false, c: projected, cOffset: 0, ldc: width, alpha: 1, beta: bias ? 1 : 0,
  });
  const hidden = shape.heads * shape.size;
  const vShape = { ...shape, size: vSize };
  return {
    q: gatherHeads(rowMajorHeads(projected, shape, width, 0), shape),
    k: gatherHeads(rowMajorHeads(projected, shape, width, hidden), shape),
    v: gatherHeads(rowMajorHeads(projected, vShape, width, 2 * hidden), vShape),
  };
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

function contribAttention(inputs: KernelInputs, attrs: AttentionAttributes) {
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

  const shape = { batch, seq, heads, size };
  const current = projectHeads(x, weights, bias, shape, vSize);
  const [pastKey, pastValue] = past ? splitPast(past) : [];
  const k = extendCache(pastKey, current.k, shape);
  const v = extendCache(pastValue, current.v, { ...shape, size: vSize });

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
  const biasRow = attentionBiasRows(optionalTensorInput(inputs, 5, 'attention_bias'), batch, heads, seq, total);
  const out = computeBuffer(x.type, batch * seq * vHidden) as FloatArray;
  attend({
    batch,
    q: { data: current.q, heads, rows: seq, size },
    k: { data: k, heads, rows: total, size },
    v: { data: v, heads, rows: total, size: vSize },
    scale: attrs.scale || 1 / Math.sqrt(size),
    logits: (b, h, i, row) => {
      maskRow?.(b, i, row);
      biasRow?.(b, h, i, row);
    },
  }, out);
  const output = tensorFromCompute(x.type, [batch, seq, vHidden], out);
  if (!attrs.wantsPresent) return [output];
  const present = new Float32Array(k.length + v.length);
  present.set(k);
  present.set(v, k.length);
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
  run: (inputs, attrs) => contribAttention(inputs, attrs),
});
