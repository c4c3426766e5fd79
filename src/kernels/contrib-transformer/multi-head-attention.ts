/**
 * MultiHeadAttention (com.microsoft): attention over already projected Q, K and V (in any
 * layout of mha-inputs.ts) plus their bias, with an optional past_key/past_value
 * [batch, heads, past, head_size] extended into present_key/present_value, key_padding_mask
 * (see attention-mask.ts), the unidirectional flag and an additive attention_bias. The
 * optional qk output holds the scores the softmax takes: scaled, masked and biased.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel, type KernelInputs } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { tensorFromCompute } from '../support/numeric.js';
import { attentionBiasRows } from './attention-bias.js';
import { attend, bnshHeads } from './attention-core.js';
import { keyPaddingMaskFormat, maskRows } from './attention-mask.js';
import { HALF_AND_SINGLE, MS_DOMAIN, lowestOf, requireTypeOf } from './element-types.js';
import { extendCache } from './heads.js';
import { mhaInputs } from './mha-inputs.js';

interface MhaAttributes {
  readonly heads: number;
  readonly causal: boolean;
  readonly filter: number;
  readonly scale: number;
  readonly wantsQk: boolean;
}

function checkPast(past: DenseTensor, batch: number, heads: number, size: number, what: string): void {
  if (past.rank !== 4 || past.dims[0] !== batch || past.dims[1] !== heads || past.dims[3] !== size) {
    throw new KernelInputError(`${what} must have shape [${batch}, ${heads}, past_seq, ${size}], got ${formatShape(past.dims)}`);
  }
}

function multiHeadAttention(inputs: KernelInputs, attrs: MhaAttributes) {
  const query = tensorInput(inputs, 0, 'query');
  requireTypeOf(query, 'query', inputs, [[1, 'key'], [2, 'value'], [3, 'bias'], [5, 'attention_bias'], [6, 'past_key'], [7, 'past_value']]);
  if (inputs[8] || inputs[9]) throw new KernelInputError('past_sequence_length and cache_indirection (buffer sharing, beam search) are not supported');
  const heads = attrs.heads;
  const { batch, seq, kvSeq, size, vSize, q, k, v, kvIsCache } = mhaInputs(
    query, optionalTensorInput(inputs, 1, 'key'), optionalTensorInput(inputs, 2, 'value'), optionalTensorInput(inputs, 3, 'bias'), heads,
  );
  const pastKey = optionalTensorInput(inputs, 6, 'past_key');
  const pastValue = optionalTensorInput(inputs, 7, 'past_value');
  if ((pastKey === undefined) !== (pastValue === undefined)) throw new KernelInputError('past_key and past_value must be given together');
  if (pastKey && pastValue) {
    if (kvIsCache) throw new KernelInputError('past_key and past_value cannot extend 4-D key and value');
    checkPast(pastKey, batch, heads, size, 'past_key');
    checkPast(pastValue, batch, heads, vSize, 'past_value');
    if (pastValue.dims[2] !== pastKey.dims[2]) throw new KernelInputError('past_key and past_value must hold one number of positions');
  }
  const past = pastKey ? pastKey.dims[2] : 0;
  const total = past + kvSeq;
  const presentKey = new Float32Array(batch * heads * total * size);
  const presentValue = new Float32Array(batch * heads * total * vSize);
  extendCache(pastKey, bnshHeads(k, heads, kvSeq, size), batch, presentKey);
  extendCache(pastValue, bnshHeads(v, heads, kvSeq, vSize), batch, presentValue);

  const mask = optionalTensorInput(inputs, 4, 'key_padding_mask');
  const maskRow = maskRows({
    mask,
    format: mask && keyPaddingMaskFormat(mask, batch, seq, total),
    seq,
    past,
    total,
    causal: attrs.causal,
    filter: attrs.filter,
    lowest: lowestOf(query.type),
  });
  const biasRow = attentionBiasRows(optionalTensorInput(inputs, 5, 'attention_bias'), batch, heads, seq, total);
  const out = new Float32Array(batch * seq * heads * vSize);
  const qk = attrs.wantsQk ? new Float32Array(batch * heads * seq * total) : undefined;
  attend({
    batch,
    q: bnshHeads(q, heads, seq, size),
    k: bnshHeads(presentKey, heads, total, size),
    v: bnshHeads(presentValue, heads, total, vSize),
    scale: attrs.scale || 1 / Math.sqrt(size),
    logits: (b, h, i, scores, at) => {
      maskRow?.(b, i, scores, at);
      biasRow?.(b, h, i, scores, at);
    },
    additiveLogits: true,
    inspect: qk && ((b, h, block, probabilities) => {
      if (!probabilities) qk.set(block, (b * heads + h) * seq * total);
    }),
  }, out);
  return [
    tensorFromCompute(query.type, [batch, seq, heads * vSize], out),
    tensorFromCompute(query.type, [batch, heads, total, size], presentKey),
    tensorFromCompute(query.type, [batch, heads, total, vSize], presentValue),
    qk && tensorFromCompute(query.type, [batch, heads, seq, total], qk),
  ];
}

export const multiHeadAttentionKernel = kernel<MhaAttributes>({
  domain: MS_DOMAIN,
  opType: 'MultiHeadAttention',
  sinceVersion: 1,
  typeConstraints: [
    ...[0, 1, 2, 3, 5, 6, 7].map((input) => ({ input, types: HALF_AND_SINGLE })),
    ...[4, 8, 9].map((input) => ({ input, types: ['int32' as const] })),
  ],
  parseAttributes(attrs, context) {
    const heads = attrs.int('num_heads', 0);
    if (heads < 1) throw new KernelInputError(`attribute 'num_heads' must be a positive integer, got ${heads}`);
    return {
      heads,
      causal: attrs.int('unidirectional', 0) !== 0,
      filter: attrs.float('mask_filter_value', -10000),
      scale: attrs.float('scale', 0),
      wantsQk: context.outputCount > 3,
    };
  },
  run: (inputs, attrs) => multiHeadAttention(inputs, attrs),
});
