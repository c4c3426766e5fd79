/**
 * GroupQueryAttention (com.microsoft): causal attention of num_heads query heads over
 * kv_num_heads key/value heads, with a KV cache whose valid length per batch entry comes from
 * seqlens_k (see gqa-cache.ts). Options: packed QKV in the query, rotary embedding of Q and K
 * from cos/sin caches, a sliding window of local_window_size keys, softcap * tanh(x / softcap)
 * on the scores, an additive attention_bias, a sink logit per head (head_sink, or 0 with
 * smooth_softmax) in the softmax denominator, bidirectional attention (causal = 0), and the
 * scores before or after the softmax as output_qk (qk_output 1 or 2).
 */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelInputs, type PlanTimeContext } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { attentionBiasRows } from './attention-bias.js';
import { attend, bnshHeads } from './attention-core.js';
import { HALF_AND_SINGLE, MS_DOMAIN, requireTypeOf } from './element-types.js';
import { gqaPresent, gqaSequence, type GqaSequence } from './gqa-cache.js';
import { gqaHeads, rotateHeads } from './gqa-heads.js';

interface GqaAttributes {
  readonly heads: number;
  readonly kvHeads: number;
  readonly scale: number;
  readonly softcap: number;
  readonly window: number;
  readonly rotary: boolean;
  readonly interleaved: boolean;
  readonly smoothSoftmax: boolean;
  readonly causal: boolean;
  readonly qkOutput: number;
}

function parseAttributes(attrs: AttributeReader, context: PlanTimeContext): GqaAttributes {
  const heads = attrs.int('num_heads', 0);
  const kvHeads = attrs.int('kv_num_heads', 0);
  if (heads < 1 || kvHeads < 1 || heads % kvHeads !== 0) {
    throw new KernelInputError(`attributes 'num_heads' (${heads}) and 'kv_num_heads' (${kvHeads}) must be positive, the first a multiple of the second`);
  }
  const qkOutput = attrs.int('qk_output', 0);
  if (qkOutput < 0 || qkOutput > 2) throw new KernelInputError(`attribute 'qk_output' must be 0, 1 or 2, got ${qkOutput}`);
  if ((qkOutput !== 0) !== context.outputCount > 3) throw new KernelInputError(`output_qk must be listed exactly when attribute 'qk_output' asks for it`);
  const causal = attrs.int('causal', 1) !== 0;
  const window = attrs.int('local_window_size', -1);
  if (!causal && window >= 0) throw new KernelInputError(`attribute 'local_window_size' needs causal attention`);
  if (attrs.int('sliding_window_cache', 0) !== 0) throw new KernelInputError(`attribute 'sliding_window_cache' is not supported`);
  for (const name of ['k_quant_type', 'v_quant_type']) {
    if (attrs.string(name, 'NONE') !== 'NONE') throw new KernelInputError(`attribute '${name}' (a quantized KV cache) is not supported`);
  }
  return {
    heads,
    kvHeads,
    scale: attrs.float('scale', 0),
    softcap: attrs.float('softcap', 0),
    window,
    rotary: attrs.int('do_rotary', 0) !== 0,
    interleaved: attrs.int('rotary_interleaved', 0) !== 0,
    smoothSoftmax: attrs.int('smooth_softmax', 0) === 1,
    causal,
    qkOutput,
  };
}

/**
 * Row i of entry b sees keys [start, end): all of the entry's keys without causal masking;
 * else up to the causal frontier past + i + 1 (cut to the entry's keys for a padded prompt)
 * and, with a window, only the last `window` of those.
 */
function visibleKeys(sequence: GqaSequence, b: number, i: number, attrs: GqaAttributes): [number, number] {
  if (!attrs.causal) return [0, sequence.totals[b]];
  const frontier = sequence.pasts[b] + i + 1;
  const end = Math.min(frontier, sequence.totals[b]);
  const start = attrs.window >= 0 && frontier > attrs.window ? frontier - attrs.window : 0;
  return [start, end];
}

function groupQueryAttention(inputs: KernelInputs, attrs: GqaAttributes) {
  const query = tensorInput(inputs, 0, 'query');
  requireTypeOf(query, 'query', inputs, [[1, 'key'], [2, 'value'], [3, 'past_key'], [4, 'past_value'], [7, 'cos_cache'], [8, 'sin_cache'], [10, 'attention_bias'], [11, 'head_sink']]);
  const g = gqaHeads(query, optionalTensorInput(inputs, 1, 'key'), optionalTensorInput(inputs, 2, 'value'), attrs.heads, attrs.kvHeads);
  const { batch, seq, size } = g;
  const { heads, kvHeads } = attrs;
  const pastKey = optionalTensorInput(inputs, 3, 'past_key');
  const pastValue = optionalTensorInput(inputs, 4, 'past_value');
  if ((pastKey === undefined) !== (pastValue === undefined)) throw new KernelInputError('past_key and past_value must be given together');
  for (const past of [pastKey, pastValue]) {
    if (past && (past.rank !== 4 || past.dims[0] !== batch || past.dims[1] !== kvHeads || past.dims[2] !== pastKey!.dims[2] || past.dims[3] !== size)) {
      throw new KernelInputError(`past_key and past_value must have shape [${batch}, ${kvHeads}, past, ${size}], got ${formatShape(past.dims)}`);
    }
  }
  if (inputs.length > 12 && inputs.slice(12).some((t) => t !== undefined)) throw new KernelInputError('KV cache scales and Q/K norm weights are not supported');
  const sequence = gqaSequence(tensorInput(inputs, 5, 'seqlens_k'), tensorInput(inputs, 6, 'total_sequence_length'), batch, seq, pastKey ? pastKey.dims[2] : 0);
  const q = attrs.rotary ? rotateHeads(g.q, heads, g, inputs, sequence, attrs.interleaved) : g.q;
  const kNew = attrs.rotary ? rotateHeads(g.k, kvHeads, g, inputs, sequence, attrs.interleaved) : g.k;
  const presentKey = gqaPresent(pastKey, kNew, sequence, kvHeads, seq, size);
  const presentValue = gqaPresent(pastValue, g.v, sequence, kvHeads, seq, size);

  const biasRow = attentionBiasRows(optionalTensorInput(inputs, 10, 'attention_bias'), batch, heads, seq, sequence.totalSequenceLength);
  const sinkTensor = optionalTensorInput(inputs, 11, 'head_sink');
  if (sinkTensor && (sinkTensor.rank !== 1 || sinkTensor.dims[0] !== heads)) {
    throw new KernelInputError(`head_sink must have shape [${heads}], got ${formatShape(sinkTensor.dims)}`);
  }
  const sinks = sinkTensor && (computeValues(sinkTensor) as NumberArray);
  const out = new Float32Array(batch * seq * heads * size);
  const rows = sequence.presentRows;
  const total = sequence.totalSequenceLength;
  const qk = attrs.qkOutput ? new Float32Array(batch * heads * seq * total) : undefined;
  const softcap = attrs.softcap;
  attend({
    batch,
    q: bnshHeads(q, heads, seq, size),
    k: bnshHeads(presentKey, kvHeads, rows, size),
    v: bnshHeads(presentValue, kvHeads, rows, size),
    scale: attrs.scale || 1 / Math.sqrt(size),
    logits: (b, h, i, scores, at) => {
      const [start, end] = visibleKeys(sequence, b, i, attrs);
      if (softcap > 0) for (let j = at + start; j < at + end; j++) scores[j] = softcap * Math.tanh(scores[j] / softcap);
      biasRow?.(b, h, i, scores, at);
      scores.fill(-Infinity, at, at + start);
      scores.fill(-Infinity, at + end, at + rows);
    },
    sink: sinks ? (h) => sinks[h] : attrs.smoothSoftmax ? () => 0 : undefined,
    // Scores of hidden keys read 0, as onnxruntime writes them.
    inspect: qk && ((b, h, block, probabilities) => {
      if (probabilities !== (attrs.qkOutput === 2)) return;
      for (let i = 0; i < seq; i++) {
        const at = ((b * heads + h) * seq + i) * total;
        for (let j = 0; j < total; j++) {
          const score = block[i * rows + j];
          qk[at + j] = score === -Infinity ? 0 : score;
        }
      }
    }),
  }, out);
  const presentDims = [batch, kvHeads, rows, size];
  return [
    tensorFromCompute(query.type, [batch, seq, heads * size], out),
    tensorFromCompute(query.type, presentDims, presentKey),
    tensorFromCompute(query.type, presentDims, presentValue),
    qk && tensorFromCompute(query.type, [batch, heads, seq, total], qk),
  ];
}

export const groupQueryAttentionKernel = kernel<GqaAttributes>({
  domain: MS_DOMAIN,
  opType: 'GroupQueryAttention',
  sinceVersion: 1,
  typeConstraints: [
    ...[0, 1, 2, 3, 4, 7, 8, 10, 11].map((input) => ({ input, types: HALF_AND_SINGLE })),
    ...[5, 6].map((input) => ({ input, types: ['int32' as const] })),
    { input: 9, types: ['int64'] },
  ],
  parseAttributes,
  run: (inputs, attrs) => groupQueryAttention(inputs, attrs),
});
