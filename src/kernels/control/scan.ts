/**
 * Scan: iterates `body` over slices of the scan inputs along their scan axes, threading state
 * values and stacking per-iteration scan outputs. Opset 8 has a leading batch axis and
 * sequence_lens; opset 9+ has per-input axes and directions.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { Value } from '../../tensor/value.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelContext, type PlanTimeContext, type SubgraphHandle } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { sliceAlong, stackAlong } from './axis-slices.js';

interface ScanAttributes {
  readonly body: SubgraphHandle;
  readonly numScanInputs: number;
  readonly inputAxes: readonly number[] | undefined;
  readonly inputDirections: readonly number[] | undefined;
  readonly outputAxes: readonly number[] | undefined;
  readonly outputDirections: readonly number[] | undefined;
}

function reverse<T>(items: T[], reversed: boolean): T[] {
  return reversed ? items.reverse() : items;
}

/** One scan over unbatched inputs: states in, [final states, scan outputs] out. */
async function scanOnce(
  states: Value[],
  scanInputs: DenseTensor[],
  attrs: ScanAttributes,
  ctx: KernelContext,
  length?: number,
): Promise<{ states: Value[]; outputs: DenseTensor[] }> {
  const axes = scanInputs.map((t, i) => normalizeAxis(attrs.inputAxes?.[i] ?? 0, t.rank, `scan_input_axes[${i}]`));
  const lengths = scanInputs.map((t, i) => t.dims[axes[i]]);
  const steps = length ?? lengths[0] ?? 0;
  if (lengths.some((l) => l !== lengths[0])) throw new KernelInputError(`scan inputs have different lengths along their scan axes: ${lengths.join(', ')}`);
  const perOutput: DenseTensor[][] = [];
  for (let t = 0; t < steps; t++) {
    const slices = scanInputs.map((x, i) => sliceAlong(x, axes[i], attrs.inputDirections?.[i] ? steps - 1 - t : t));
    const outputs = await ctx.runSubgraph(attrs.body, [...states, ...slices]);
    states = outputs.slice(0, states.length);
    outputs.slice(states.length).forEach((v, k) => {
      if (v.kind !== 'tensor') throw new KernelInputError(`scan output ${k} must be a tensor`);
      (perOutput[k] ??= []).push(v);
    });
  }
  const scanOutputCount = attrs.body.graph.outputs.length - states.length;
  const outputs: DenseTensor[] = [];
  for (let k = 0; k < scanOutputCount; k++) {
    const values = reverse(perOutput[k] ?? [], Boolean(attrs.outputDirections?.[k]));
    if (values.length === 0) throw new KernelInputError('a scan over zero steps has no scan output shape');
    const axis = normalizeAxis(attrs.outputAxes?.[k] ?? 0, values[0].rank + 1, `scan_output_axes[${k}]`);
    outputs.push(stackAlong(values, axis, `scan output ${k}`));
  }
  return { states, outputs };
}

const parse = (attrs: AttributeReader, ctx: PlanTimeContext): ScanAttributes => ({
  body: ctx.subgraph(attrs.requiredGraph('body')),
  numScanInputs: attrs.requiredInt('num_scan_inputs'),
  inputAxes: attrs.ints('scan_input_axes'),
  inputDirections: attrs.ints('scan_input_directions') ?? attrs.ints('directions'),
  outputAxes: attrs.ints('scan_output_axes'),
  outputDirections: attrs.ints('scan_output_directions'),
});

export const scanKernels = [
  kernel<ScanAttributes>({
    domain: '',
    opType: 'Scan',
    sinceVersion: 9,
    parseAttributes: parse,
    async run(inputs, attrs, ctx) {
      const stateCount = inputs.length - attrs.numScanInputs;
      const states = inputs.slice(0, stateCount) as Value[];
      const scanInputs = inputs.slice(stateCount).map((_, i) => tensorInput(inputs, stateCount + i, `scan input ${i}`));
      const result = await scanOnce(states, scanInputs, attrs, ctx);
      return [...result.states, ...result.outputs];
    },
  }),
  kernel<ScanAttributes>({
    domain: '',
    opType: 'Scan',
    sinceVersion: 8,
    untilVersion: 8,
    parseAttributes: parse,
    async run(inputs, attrs, ctx) {
      const lens = inputs[0];
      const stateCount = inputs.length - 1 - attrs.numScanInputs;
      const states = inputs.slice(1, 1 + stateCount).map((_, i) => tensorInput(inputs, 1 + i, `state ${i}`));
      const scanInputs = inputs.slice(1 + stateCount).map((_, i) => tensorInput(inputs, 1 + stateCount + i, `scan input ${i}`));
      const batch = (states[0] ?? scanInputs[0]).dims[0];
      const batchStates: DenseTensor[][] = [];
      const batchOutputs: DenseTensor[][] = [];
      for (let b = 0; b < batch; b++) {
        const length = lens?.kind === 'tensor' ? Number((lens.data as Int32Array)[b]) : undefined;
        const shifted = { ...attrs, inputAxes: undefined };
        const r = await scanOnce(states.map((s) => sliceAlong(s, 0, b)), scanInputs.map((s) => sliceAlong(s, 0, b)), shifted, ctx, length);
        r.states.forEach((s, k) => (batchStates[k] ??= []).push(s as DenseTensor));
        r.outputs.forEach((s, k) => (batchOutputs[k] ??= []).push(s));
      }
      return [...batchStates, ...batchOutputs].map((values, k) => stackAlong(values, 0, `output ${k}`));
    },
  }),
];
