/**
 * EmbedLayerNormalization (BERT's embedding layer): for every token, the word embedding of its
 * id plus the position embedding of its position (its index, or position_ids) plus, when
 * given, the segment embedding of its segment id, then LayerNormalization with gamma and beta.
 * Also returns mask_index, the count of ones in each row of the mask (zeros without one), and
 * the embedding sum before normalization.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { kernel, type KernelInputs } from '../kernel.js';
import { groupMoments } from '../normalization/moments.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { HALF_AND_SINGLE, MS_DOMAIN, requireTypeOf } from './element-types.js';

interface Table {
  readonly values: NumberArray;
  readonly rows: number;
  readonly name: string;
}

function table(t: DenseTensor | undefined, hidden: number, name: string): Table | undefined {
  if (!t) return undefined;
  if (t.rank !== 2 || t.dims[1] !== hidden) throw new KernelInputError(`${name} must have shape [rows, ${hidden}], got ${formatShape(t.dims)}`);
  return { values: computeValues(t) as NumberArray, rows: t.dims[0], name };
}

function ids(t: DenseTensor | undefined, dims: readonly number[], name: string): Int32Array | undefined {
  if (t && !sameShape(t.dims, dims)) throw new KernelInputError(`${name} must have the shape of input_ids ${formatShape(dims)}, got ${formatShape(t.dims)}`);
  return t?.data as Int32Array | undefined;
}

/** Position ids per token: given as [batch, seq] or [1, seq] (shared), or each token's index. */
function positionIds(t: DenseTensor | undefined, batch: number, seq: number): (token: number) => number {
  if (!t) return (token) => token % seq;
  if (t.rank !== 2 || t.dims[1] !== seq || (t.dims[0] !== batch && t.dims[0] !== 1)) {
    throw new KernelInputError(`position_ids must have shape [${batch}, ${seq}] or [1, ${seq}], got ${formatShape(t.dims)}`);
  }
  const data = t.data as Int32Array;
  return t.dims[0] === 1 ? (token) => data[token % seq] : (token) => data[token];
}

function row(tableOf: Table, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= tableOf.rows) {
    throw new KernelInputError(`index ${index} is out of range for ${tableOf.name} with ${tableOf.rows} rows`);
  }
  return index;
}

interface Lookups {
  readonly word: Table;
  readonly wordIds: Int32Array;
  readonly position: Table;
  readonly positionOf: (token: number) => number;
  readonly segment: Table | undefined;
  readonly segmentIds: Int32Array | undefined;
}

/** Each token's word + position (+ segment) embedding, [tokens, hidden]. */
function embeddingSums(l: Lookups, tokens: number, hidden: number): Float64Array {
  const sum = new Float64Array(tokens * hidden);
  for (let t = 0; t < tokens; t++) {
    const w = row(l.word, l.wordIds[t]) * hidden;
    const p = row(l.position, l.positionOf(t)) * hidden;
    const s = l.segment && l.segmentIds ? row(l.segment, l.segmentIds[t]) * hidden : -1;
    for (let h = 0; h < hidden; h++) {
      sum[t * hidden + h] = l.word.values[w + h] + l.position.values[p + h] + (s >= 0 ? l.segment!.values[s + h] : 0);
    }
  }
  return sum;
}

function embedLayerNormalize(inputs: KernelInputs, epsilon: number) {
  const inputIds = tensorInput(inputs, 0, 'input_ids');
  if (inputIds.rank !== 2) throw new KernelInputError(`input_ids must be 2-D [batch, sequence], got ${formatShape(inputIds.dims)}`);
  const [batch, seq] = inputIds.dims;
  const wordTensor = tensorInput(inputs, 2, 'word_embedding');
  requireTypeOf(wordTensor, 'word_embedding', inputs, [[3, 'position_embedding'], [4, 'segment_embedding'], [5, 'gamma'], [6, 'beta']]);
  const hidden = wordTensor.rank === 2 ? wordTensor.dims[1] : -1;
  const segment = table(optionalTensorInput(inputs, 4, 'segment_embedding'), hidden, 'segment_embedding');
  const segmentIds = ids(optionalTensorInput(inputs, 1, 'segment_ids'), inputIds.dims, 'segment_ids');
  if ((segment === undefined) !== (segmentIds === undefined)) throw new KernelInputError('segment_ids and segment_embedding must be given together');
  const [gamma, beta] = (['gamma', 'beta'] as const).map((name, i) => {
    const t = tensorInput(inputs, 5 + i, name);
    if (t.rank !== 1 || t.dims[0] !== hidden) throw new KernelInputError(`${name} must have shape [${hidden}], got ${formatShape(t.dims)}`);
    return computeValues(t) as NumberArray;
  });
  const mask = ids(optionalTensorInput(inputs, 7, 'mask'), inputIds.dims, 'mask');
  const tokens = batch * seq;
  const sum = embeddingSums({
    word: table(wordTensor, hidden, 'word_embedding')!,
    wordIds: inputIds.data as Int32Array,
    position: table(tensorInput(inputs, 3, 'position_embedding'), hidden, 'position_embedding')!,
    positionOf: positionIds(optionalTensorInput(inputs, 8, 'position_ids'), batch, seq),
    segment,
    segmentIds,
  }, tokens, hidden);
  const { mean, invStdDev } = groupMoments(sum, tokens, hidden, epsilon);
  const y = computeBuffer(wordTensor.type, sum.length) as NumberArray;
  for (let token = 0, at = 0; token < tokens; token++, at += hidden) {
    const mu = mean[token];
    const inv = invStdDev[token];
    for (let h = 0; h < hidden; h++) y[at + h] = (sum[at + h] - mu) * inv * gamma[h] + beta[h];
  }
  const maskIndex = new Int32Array(batch);
  if (mask) for (let t = 0; t < tokens; t++) if (mask[t] === 1) maskIndex[Math.floor(t / seq)]++;
  const dims = [batch, seq, hidden];
  const sumOut = computeBuffer(wordTensor.type, sum.length) as NumberArray;
  sumOut.set(sum);
  return [
    tensorFromCompute(wordTensor.type, dims, y),
    new DenseTensor('int32', [batch], maskIndex),
    tensorFromCompute(wordTensor.type, dims, sumOut),
  ];
}

export const embedLayerNormalizationKernel = kernel<number>({
  domain: MS_DOMAIN,
  opType: 'EmbedLayerNormalization',
  sinceVersion: 1,
  typeConstraints: [
    ...[0, 1, 7, 8].map((input) => ({ input, types: ['int32' as const] })),
    ...[2, 3, 4, 5, 6].map((input) => ({ input, types: HALF_AND_SINGLE })),
  ],
  parseAttributes: (attrs) => attrs.float('epsilon', 1e-12),
  run: (inputs, epsilon) => embedLayerNormalize(inputs, epsilon),
});
