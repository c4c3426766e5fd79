/**
 * com.microsoft Attention takes its projection scratch and its output from context.allocate
 * (the run's arena), whose storage holds whatever the last user left: with storage prefilled
 * with NaN the results must equal those on fresh zeroed storage, bit for bit, with and without
 * mask, bias, causal masking and past state, on odd sizes.
 */
import { describe, expect, it } from 'vitest';
import { contribAttentionKernel } from '../../../src/kernels/contrib-transformer/contrib-attention.js';
import { AttributeReader } from '../../../src/kernels/attributes.js';
import type { Attribute } from '../../../src/ir/graph.js';
import type { KernelContext, KernelInputs, PlanTimeContext } from '../../../src/kernels/kernel.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import type { Shape } from '../../../src/tensor/shape.js';
import { Rng } from '../../support/random.js';

const node = { name: 'attention', opType: 'Attention', domain: 'com.microsoft' };
let allocations = 0;

function nanAllocate(type: DataType, dims: Shape): DenseTensor {
  allocations++;
  const t = DenseTensor.zeros(type, dims);
  (t.data as Float32Array).fill(Number.NaN);
  return t;
}

function floats(rng: Rng, dims: number[]): DenseTensor {
  const length = dims.reduce((a, b) => a * b, 1);
  return new DenseTensor('float32', dims, Float32Array.from({ length }, () => rng.uniform(-1, 1)));
}

async function run(attributes: Record<string, Attribute>, inputs: KernelInputs, outputs: number, allocate?: KernelContext['allocate']): Promise<DenseTensor[]> {
  const plan = { node, opset: 1, outputCount: outputs } as unknown as PlanTimeContext;
  const parsed = contribAttentionKernel.parseAttributes!(new AttributeReader(new Map(Object.entries(attributes))), plan);
  const context: KernelContext = { node, opset: 1, runSubgraph: () => Promise.reject(new Error('no subgraphs')), allocate };
  return (await contribAttentionKernel.run(inputs, parsed, context)) as DenseTensor[];
}

describe('Attention with arena storage', () => {
  const cases: [string, { batch: number; seq: number; hidden: number; heads: number; mask: boolean; bias: boolean; causal: boolean; past: number }][] = [
    ['odd sizes, mask and bias', { batch: 2, seq: 7, hidden: 15, heads: 3, mask: true, bias: true, causal: false, past: 0 }],
    ['no bias, no mask', { batch: 1, seq: 33, hidden: 64, heads: 4, mask: false, bias: false, causal: false, past: 0 }],
    ['causal with past', { batch: 2, seq: 5, hidden: 12, heads: 2, mask: false, bias: true, causal: true, past: 3 }],
    ['one token', { batch: 3, seq: 1, hidden: 8, heads: 2, mask: true, bias: true, causal: false, past: 0 }],
  ];
  it.each(cases)('%s: the same bits as on fresh storage', async (_, c) => {
    const rng = new Rng(c.seq * 31 + c.hidden);
    const x = floats(rng, [c.batch, c.seq, c.hidden]);
    const weights = floats(rng, [c.hidden, 3 * c.hidden]);
    const bias = c.bias ? floats(rng, [3 * c.hidden]) : undefined;
    const total = c.seq + c.past;
    const mask = c.mask ? new DenseTensor('int32', [c.batch, total], Int32Array.from({ length: c.batch * total }, (_, i) => (i % total === total - 1 && c.batch > 1 ? 0 : 1))) : undefined;
    const past = c.past ? floats(rng, [2, c.batch, c.heads, c.past, c.hidden / c.heads]) : undefined;
    const inputs: KernelInputs = [x, weights, bias, mask, past];
    const attributes: Record<string, Attribute> = { num_heads: { type: 'int', value: c.heads }, unidirectional: { type: 'int', value: c.causal ? 1 : 0 } };
    const outputs = c.past ? 2 : 1;
    const fresh = await run(attributes, inputs, outputs);
    allocations = 0;
    const arena = await run(attributes, inputs, outputs, nanAllocate);
    expect(allocations, 'projection and output from context.allocate').toBe(2);
    expect(arena.length).toBe(fresh.length);
    fresh.forEach((t, i) => {
      expect(Array.from(arena[i].data as Float32Array), `output ${i}`).toEqual(Array.from(t.data as Float32Array));
      expect((arena[i].data as Float32Array).some(Number.isNaN), `output ${i} has NaN`).toBe(false);
    });
  });
});
