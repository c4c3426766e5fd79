/**
 * Attention (opsets 23 and 24): softmax(softcap(scale * Q K^T) + bias) V per query head, with
 * grouped key/value heads (query head h reads key/value head h / (q_heads / kv_heads)), an
 * optional past cache concatenated ahead of K and V (returned as present_key/present_value),
 * and the scores at the stage `qk_matmul_output_mode` picks. A query row whose every key is
 * masked gives zeros, not NaN. Opset 24 adds `nonpad_kv_seqlen` (an external cache's valid
 * lengths) and pads a short mask with -inf.
 */
import { KernelInputError } from '../../errors/errors.js';
import { dataTypeFromOnnx, FLOAT_TYPES, NUMERIC_TYPES, type DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { attentionBias, nonpadLengths } from './attention-bias.js';
import { attentionLayout, headAddress, presentCache } from './attention-layout.js';
import { gemm, type FloatArray } from './gemm-core.js';
import { fastExp } from '../support/fast-math.js';

interface AttentionAttributes {
  readonly causal: boolean;
  readonly qHeads: number | undefined;
  readonly kvHeads: number | undefined;
  readonly mode: number;
  readonly scale: number | undefined;
  readonly softcap: number;
}

function parseAttention(attrs: AttributeReader): AttentionAttributes {
  const mode = attrs.int('qk_matmul_output_mode', 0);
  if (mode < 0 || mode > 3) throw new KernelInputError(`attribute 'qk_matmul_output_mode' must be 0, 1, 2 or 3, got ${mode}`);
  const precision = attrs.int('softmax_precision');
  // Scores are always computed in doubles, at least as precise as any precision asked for.
  if (precision !== undefined && !FLOAT_TYPES.includes(dataTypeFromOnnx(precision) as DataType)) {
    throw new KernelInputError(`attribute 'softmax_precision' must name a float type, got ${precision}`);
  }
  return {
    causal: attrs.int('is_causal', 0) !== 0,
    qHeads: attrs.int('q_num_heads'),
    kvHeads: attrs.int('kv_num_heads'),
    mode,
    scale: attrs.float('scale'),
    softcap: attrs.float('softcap', 0),
  };
}

/** Softmax of a score row in place; a row with no finite score becomes all zeros. */
function softmaxRow(row: FloatArray): void {
  let max = -Infinity;
  for (let j = 0; j < row.length; j++) if (row[j] > max) max = row[j];
  if (max === -Infinity) {
    row.fill(0);
    return;
  }
  let sum = 0;
  for (let j = 0; j < row.length; j++) {
    row[j] = fastExp(row[j] - max);
    sum += row[j];
  }
  for (let j = 0; j < row.length; j++) row[j] /= sum;
}

function attention(inputs: KernelInputs, attrs: AttentionAttributes, padShortMask: boolean) {
  const q = tensorInput(inputs, 0, 'Q');
  const k = tensorInput(inputs, 1, 'K');
  const v = tensorInput(inputs, 2, 'V');
  const mask = optionalTensorInput(inputs, 3, 'attn_mask');
  const pastKey = optionalTensorInput(inputs, 4, 'past_key');
  const pastValue = optionalTensorInput(inputs, 5, 'past_value');
  const nonpadTensor = optionalTensorInput(inputs, 6, 'nonpad_kv_seqlen');
  if (k.type !== q.type || (pastKey && pastKey.type !== q.type) || (pastValue && pastValue.type !== v.type)) {
    throw new KernelInputError('Q, K and past_key must share one type, and V and past_value another');
  }
  const layout = attentionLayout(q, k, v, pastKey, pastValue, { q: attrs.qHeads, kv: attrs.kvHeads });
  const { q: qv, k: kv, v: vv, total } = layout;
  if (nonpadTensor && pastKey) throw new KernelInputError('nonpad_kv_seqlen cannot be used with past_key and past_value');
  const nonpad = nonpadTensor && nonpadLengths(nonpadTensor, qv.batch, total);
  const presentKey = presentCache(pastKey, k, kv, layout.past);
  const presentValue = presentCache(pastValue, v, vv, layout.past);
  const bias = attentionBias(
    { mask, causal: attrs.causal, nonpad, pastLength: layout.past, padShortMask },
    [qv.batch, qv.heads, qv.seq, total],
  );

  const scale = attrs.scale ?? 1 / Math.sqrt(qv.size);
  const qValues = computeValues(q) as FloatArray;
  const yDims = qv.threeD ? [qv.batch, qv.seq, qv.heads * vv.size] : [qv.batch, qv.heads, qv.seq, vv.size];
  const y = computeBuffer(q.type, qv.batch * qv.heads * qv.seq * vv.size) as FloatArray;
  const yView = { ...qv, size: vv.size };
  const qkDims = [qv.batch, qv.heads, qv.seq, total];
  const qk = computeBuffer(q.type, qv.batch * qv.heads * qv.seq * total) as NumberArray;
  // Float32 scores (as onnxruntime keeps them) let float32 products run on the WebAssembly GEMM.
  const scores = qValues instanceof Float32Array ? new Float32Array(qv.seq * total) : new Float64Array(qv.seq * total);
  const rowBias = new Float64Array(total);
  const group = qv.heads / kv.heads;
  for (let b = 0; b < qv.batch; b++) {
    for (let h = 0; h < qv.heads; h++) {
      const kvHead = (b * kv.heads + Math.floor(h / group)) * total;
      const qAt = headAddress(qv, b, h);
      gemm({
        m: qv.seq, n: total, k: qv.size, a: qValues, aOffset: qAt.offset, lda: qAt.rowStride, transA: false,
        b: presentKey, bOffset: kvHead * kv.size, ldb: kv.size, transB: true, c: scores, cOffset: 0, ldc: total, alpha: scale, beta: 0,
      });
      for (let i = 0; i < qv.seq; i++) {
        const row = scores.subarray(i * total, (i + 1) * total);
        const qkRow = ((b * qv.heads + h) * qv.seq + i) * total;
        if (attrs.mode === 0) qk.set(row, qkRow);
        if (attrs.softcap > 0) for (let j = 0; j < total; j++) row[j] = attrs.softcap * Math.tanh(row[j] / attrs.softcap);
        if (attrs.mode === 1) qk.set(row, qkRow);
        bias(b, h, i, rowBias);
        for (let j = 0; j < total; j++) row[j] += rowBias[j];
        if (attrs.mode === 2) qk.set(row, qkRow);
        softmaxRow(row);
        if (attrs.mode === 3) qk.set(row, qkRow);
      }
      const yAt = headAddress(yView, b, h);
      gemm({
        m: qv.seq, n: vv.size, k: total, a: scores, aOffset: 0, lda: total, transA: false,
        b: presentValue, bOffset: kvHead * vv.size, ldb: vv.size, transB: false, c: y, cOffset: yAt.offset, ldc: yAt.rowStride, alpha: 1, beta: 0,
      });
    }
  }
  return [
    tensorFromCompute(q.type, yDims, y),
    tensorFromCompute(k.type, [kv.batch, kv.heads, total, kv.size], presentKey),
    tensorFromCompute(v.type, [vv.batch, vv.heads, total, vv.size], presentValue),
    tensorFromCompute(q.type, qkDims, qk),
  ];
}

function attentionKernel(sinceVersion: number, untilVersion: number | undefined): KernelDefinition {
  const padShortMask = sinceVersion >= 24;
  return kernel<AttentionAttributes>({
    domain: '',
    opType: 'Attention',
    sinceVersion,
    untilVersion,
    typeConstraints: [
      ...[0, 1, 2, 4, 5].map((input) => ({ input, types: FLOAT_TYPES })),
      { input: 3, types: [...NUMERIC_TYPES, 'bool'] },
      { input: 6, types: ['int64'] },
    ],
    parseAttributes: parseAttention,
    run: (inputs, attrs) => attention(inputs, attrs, padShortMask),
  });
}

export const attentionKernels: KernelDefinition[] = [attentionKernel(23, 23), attentionKernel(24, undefined)];
