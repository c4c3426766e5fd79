/**
 * FlexAttention (ai.onnx.preview 1): softmax(score_mod(Q K^T * scale)) then prob_mod, times V,
 * over [B, H, L, E] inputs, with grouped K/V heads (query head h reads K/V head
 * floor(h / (Hq / Hkv))). Scores and probabilities are [B, Hq, L, S] tensors in the softmax
 * precision (float32 unless the inputs are double or softmax_precision says otherwise), so the
 * modifier subgraphs see them whole.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { dataTypeFromOnnx, FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import type { Value } from '../../tensor/value.js';
import { kernel, type KernelContext, type SubgraphHandle } from '../kernel.js';
import { gemm } from '../linalg/gemm-core.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute } from '../support/numeric.js';

interface FlexAttributes {
  readonly scale: number | undefined;
  readonly precision: DataType | undefined;
  readonly scoreMod: SubgraphHandle | undefined;
  readonly probMod: SubgraphHandle | undefined;
}

type Floats = Float32Array | Float64Array;

function floatsIn(t: DenseTensor, precision: DataType): Floats {
  const values = computeValues(t) as Floats;
  return precision === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
}

/** Runs a modifier subgraph on a [B, Hq, L, S] tensor and checks it gives one of the same shape and type. */
async function modify(ctx: KernelContext, handle: SubgraphHandle | undefined, t: DenseTensor, what: string): Promise<DenseTensor> {
  if (!handle) return t;
  const [result]: Value[] = await ctx.runSubgraph(handle, [t]);
  if (result?.kind !== 'tensor' || result.type !== t.type || result.dims.some((d, i) => d !== t.dims[i]) || result.rank !== t.rank) {
    throw new KernelInputError(`${what} must return a ${t.describe()} tensor, got ${result?.kind === 'tensor' ? result.describe() : result?.kind ?? 'nothing'}`);
  }
  return result;
}

function softmaxRows(values: Floats, width: number): void {
  for (let start = 0; start < values.length; start += width) {
    let max = -Infinity;
    for (let i = start; i < start + width; i++) max = Math.max(max, values[i]);
    let sum = 0;
    for (let i = start; i < start + width; i++) sum += values[i] = Math.exp(values[i] - max);
    for (let i = start; i < start + width; i++) values[i] /= sum;
  }
}

async function flexAttention(q: DenseTensor, k: DenseTensor, v: DenseTensor, attrs: FlexAttributes, ctx: KernelContext): Promise<DenseTensor> {
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) throw new KernelInputError(`Q, K and V must be rank 4, got ${formatShape(q.dims)}, ${formatShape(k.dims)}, ${formatShape(v.dims)}`);
  const [batch, qHeads, qLength, headSize] = q.dims;
  const [kBatch, kvHeads, kvLength, kSize] = k.dims;
  const [vBatch, vHeads, vLength, vSize] = v.dims;
  if (kBatch !== batch || vBatch !== batch || kSize !== headSize || vHeads !== kvHeads || vLength !== kvLength) {
    throw new KernelInputError(`K ${formatShape(k.dims)} and V ${formatShape(v.dims)} do not fit Q ${formatShape(q.dims)}`);
  }
  if (kvHeads === 0 || qHeads % kvHeads !== 0) throw new KernelInputError(`q_num_heads ${qHeads} must be a multiple of kv_num_heads ${kvHeads}`);
  const precision = attrs.precision ?? (q.type === 'float64' ? 'float64' : 'float32');
  const [qs, ks, vs] = [floatsIn(q, precision), floatsIn(k, precision), floatsIn(v, precision)];
  const group = qHeads / kvHeads;
  const scale = attrs.scale ?? 1 / Math.sqrt(headSize);
  const scoreDims = [batch, qHeads, qLength, kvLength];
  const scores = precision === 'float64' ? new Float64Array(batch * qHeads * qLength * kvLength) : new Float32Array(batch * qHeads * qLength * kvLength);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < qHeads; h++) {
      const kv = b * kvHeads + Math.floor(h / group);
      gemm({
        m: qLength, n: kvLength, k: headSize, alpha: scale, beta: 0,
        a: qs, aOffset: (b * qHeads + h) * qLength * headSize, lda: headSize, transA: false,
        b: ks, bOffset: kv * kvLength * headSize, ldb: headSize, transB: true,
        c: scores, cOffset: (b * qHeads + h) * qLength * kvLength, ldc: kvLength,
      });
    }
  }
  const modified = await modify(ctx, attrs.scoreMod, new DenseTensor(precision, scoreDims, scores), 'score_mod');
  const probs = floatsIn(modified, precision);
  softmaxRows(probs, kvLength);
  const finalProbs = floatsIn(await modify(ctx, attrs.probMod, new DenseTensor(precision, scoreDims, probs), 'prob_mod'), precision);
  const out = precision === 'float64' ? new Float64Array(batch * qHeads * qLength * vSize) : new Float32Array(batch * qHeads * qLength * vSize);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < qHeads; h++) {
      const kv = b * kvHeads + Math.floor(h / group);
      gemm({
        m: qLength, n: vSize, k: kvLength, alpha: 1, beta: 0,
        a: finalProbs, aOffset: (b * qHeads + h) * qLength * kvLength, lda: kvLength, transA: false,
        b: vs, bOffset: kv * kvLength * vSize, ldb: vSize, transB: false,
        c: out, cOffset: (b * qHeads + h) * qLength * vSize, ldc: vSize,
      });
    }
  }
  return tensorFromCompute(q.type, [batch, qHeads, qLength, vSize], q.type === 'float64' ? Float64Array.from(out) : Float32Array.from(out));
}

export const flexAttentionKernel = kernel<FlexAttributes>({
  domain: 'ai.onnx.preview',
  opType: 'FlexAttention',
  sinceVersion: 1,
  typeConstraints: [0, 1, 2].map((input) => ({ input, types: FLOAT_TYPES })),
  parseAttributes(attrs, ctx) {
    const code = attrs.int('softmax_precision');
    const precision = code === undefined ? undefined : dataTypeFromOnnx(code);
    if (code !== undefined && precision !== 'float32' && precision !== 'float64') {
      throw new KernelInputError(`softmax_precision ${code} is not supported here; use float (1) or double (11)`);
    }
    const scoreMod = attrs.graph('score_mod');
    const probMod = attrs.graph('prob_mod');
    return { scale: attrs.float('scale'), precision, scoreMod: scoreMod && ctx.subgraph(scoreMod), probMod: probMod && ctx.subgraph(probMod) };
  },
  run: async (inputs, attrs, ctx) => [await flexAttention(tensorInput(inputs, 0, 'Q'), tensorInput(inputs, 1, 'K'), tensorInput(inputs, 2, 'V'), attrs, ctx)],
});
