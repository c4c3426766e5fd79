/**
 * LinearAttention (opset 27): the recurrent form of linear attention, run token by token. Each
 * KV head keeps a d_k x d_v state S; per token, with k, v, decay g and rate beta:
 *   linear:      S = S + k v^T
 *   gated:       S = exp(g) * S + k v^T
 *   delta:       S = S + beta * k (v - S^T k)^T
 *   gated_delta: S = exp(g) * S + beta * k (v - (exp(g) * S)^T k)^T
 * and each query head reads o = scale * q^T S from its group's KV head. exp(g) scales S's rows
 * (one per key feature) when the decay is per key feature, or all of S when it is per head.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute } from '../support/numeric.js';

type UpdateRule = 'linear' | 'gated' | 'delta' | 'gated_delta';

interface LinearAttentionAttributes {
  readonly qHeads: number;
  readonly kvHeads: number;
  readonly scale: number;
  readonly rule: UpdateRule;
}

const floats = (t: DenseTensor): Float64Array => Float64Array.from(computeValues(t) as ArrayLike<number>);

function packed(t: DenseTensor, what: string, batch: number, steps: number): number {
  if (t.rank !== 3 || t.dims[0] !== batch || t.dims[1] !== steps) throw new KernelInputError(`${what} must be [${batch}, ${steps}, *], got ${formatShape(t.dims)}`);
  return t.dims[2];
}

interface LinearAttentionInputs {
  readonly query: DenseTensor;
  readonly key: DenseTensor;
  readonly value: DenseTensor;
  readonly past: DenseTensor | undefined;
  readonly decay: DenseTensor | undefined;
  readonly beta: DenseTensor | undefined;
}

function linearAttention({ query, key, value, past, decay, beta }: LinearAttentionInputs, attrs: LinearAttentionAttributes): DenseTensor[] {
  const { qHeads, kvHeads, rule } = attrs;
  if (query.rank !== 3) throw new KernelInputError(`query must be [B, T, H_q * d_k], got ${formatShape(query.dims)}`);
  const [batch, steps] = query.dims;
  const dk = packed(query, 'query', batch, steps) / qHeads;
  const keyWidth = packed(key, 'key', batch, steps);
  const dv = packed(value, 'value', batch, steps) / kvHeads;
  if (!Number.isInteger(dk) || !Number.isInteger(dv) || keyWidth !== kvHeads * dk) {
    throw new KernelInputError(`query, key and value widths (${query.dims[2]}, ${keyWidth}, ${value.dims[2]}) do not split into ${qHeads} and ${kvHeads} heads of one key size`);
  }
  const gated = rule === 'gated' || rule === 'gated_delta';
  const delta = rule === 'delta' || rule === 'gated_delta';
  if (gated && !decay) throw new KernelInputError(`update_rule '${rule}' needs the decay input`);
  if (delta && !beta) throw new KernelInputError(`update_rule '${rule}' needs the beta input`);
  const decayWidth = decay ? packed(decay, 'decay', batch, steps) : 0;
  if (decay && decayWidth !== kvHeads && decayWidth !== kvHeads * dk) throw new KernelInputError(`decay must be [B, T, ${kvHeads}] or [B, T, ${kvHeads * dk}], got ${formatShape(decay.dims)}`);
  const betaWidth = beta ? packed(beta, 'beta', batch, steps) : 0;
  if (beta && betaWidth !== kvHeads && betaWidth !== 1) throw new KernelInputError(`beta must be [B, T, ${kvHeads}] or [B, T, 1], got ${formatShape(beta.dims)}`);
  const stateSize = dk * dv;
  if (past && (past.rank !== 4 || past.dims[0] !== batch || past.dims[1] !== kvHeads || past.dims[2] !== dk || past.dims[3] !== dv)) {
    throw new KernelInputError(`past_state must be [${batch}, ${kvHeads}, ${dk}, ${dv}], got ${formatShape(past.dims)}`);
  }
  const state = past ? floats(past) : new Float64Array(batch * kvHeads * stateSize);
  const [q, k, v] = [floats(query), floats(key), floats(value)];
  const g = decay && floats(decay);
  const rate = beta && floats(beta);
  const out = new Float64Array(batch * steps * qHeads * dv);
  const group = qHeads / kvHeads;
  const retrieved = new Float64Array(dv);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      const token = b * steps + t;
      for (let h = 0; h < kvHeads; h++) {
        const s = state.subarray((b * kvHeads + h) * stateSize, (b * kvHeads + h + 1) * stateSize);
        const kAt = token * kvHeads * dk + h * dk;
        const vAt = token * kvHeads * dv + h * dv;
        if (g) {
          for (let i = 0; i < dk; i++) {
            const factor = Math.exp(decayWidth === kvHeads ? g[token * kvHeads + h] : g[token * decayWidth + h * dk + i]);
            for (let j = 0; j < dv; j++) s[i * dv + j] *= factor;
          }
        }
        // The value to write: v itself, or for delta rules beta times what v adds beyond S^T k.
        const r = rate ? rate[token * betaWidth + (betaWidth === 1 ? 0 : h)] : 1;
        for (let j = 0; j < dv; j++) {
          let predicted = 0;
          if (delta) for (let i = 0; i < dk; i++) predicted += s[i * dv + j] * k[kAt + i];
          retrieved[j] = delta ? r * (v[vAt + j] - predicted) : v[vAt + j];
        }
        for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) s[i * dv + j] += k[kAt + i] * retrieved[j];
        for (let hq = h * group; hq < (h + 1) * group; hq++) {
          const qAt = token * qHeads * dk + hq * dk;
          const oAt = token * qHeads * dv + hq * dv;
          for (let j = 0; j < dv; j++) {
            let sum = 0;
            for (let i = 0; i < dk; i++) sum += q[qAt + i] * s[i * dv + j];
            out[oAt + j] = attrs.scale === 0 ? sum / Math.sqrt(dk) : attrs.scale * sum;
          }
        }
      }
    }
  }
  const stateType = past?.type ?? query.type;
  return [
    tensorFromCompute(query.type, [batch, steps, qHeads * dv], Float32Array.from(out)),
    tensorFromCompute(stateType, [batch, kvHeads, dk, dv], Float32Array.from(state)),
  ];
}

const RULES: readonly UpdateRule[] = ['linear', 'gated', 'delta', 'gated_delta'];
const TYPES = ['float32', 'float16', 'bfloat16'] as const;

export const linearAttentionKernel = kernel<LinearAttentionAttributes>({
  domain: '',
  opType: 'LinearAttention',
  sinceVersion: 27,
  typeConstraints: [{ input: 0, types: TYPES }, { input: 1, types: TYPES }, { input: 2, types: TYPES }, { input: 3, types: TYPES }],
  parseAttributes(attrs) {
    const qHeads = attrs.requiredInt('q_num_heads');
    const kvHeads = attrs.requiredInt('kv_num_heads');
    if (!(kvHeads > 0 && qHeads > 0 && qHeads % kvHeads === 0)) throw new KernelInputError(`q_num_heads (${qHeads}) must be a positive multiple of kv_num_heads (${kvHeads})`);
    const rule = attrs.string('update_rule', 'gated_delta') as UpdateRule;
    if (!RULES.includes(rule)) throw new KernelInputError(`attribute 'update_rule' must be one of ${RULES.join(', ')}, got '${rule}'`);
    return { qHeads, kvHeads, rule, scale: attrs.float('scale', 0) };
  },
  run: (inputs, attrs) => linearAttention({
    query: tensorInput(inputs, 0, 'query'),
    key: tensorInput(inputs, 1, 'key'),
    value: tensorInput(inputs, 2, 'value'),
    past: optionalTensorInput(inputs, 3, 'past_state'),
    decay: optionalTensorInput(inputs, 4, 'decay'),
    beta: optionalTensorInput(inputs, 5, 'beta'),
  }, attrs),
});
