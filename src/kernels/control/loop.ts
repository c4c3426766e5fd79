/**
 * Loop: runs `body` while the trip count and the condition allow, threading loop-carried
 * values through and stacking each iteration's scan outputs along a new first axis.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { SequenceValue, type Value } from '../../tensor/value.js';
import { kernel, type SubgraphHandle } from '../kernel.js';
import { optionalTensorInput } from '../support/inputs.js';
import { stackAlong } from './axis-slices.js';

function truthy(value: Value | undefined, what: string): boolean {
  if (value?.kind !== 'tensor' || value.size !== 1) throw new KernelInputError(`${what} must be a one-element bool tensor`);
  return Boolean((value.data as Uint8Array)[0]);
}

export const loopKernel = kernel<SubgraphHandle>({
  domain: '',
  opType: 'Loop',
  sinceVersion: 1,
  parseAttributes: (attrs, ctx) => ctx.subgraph(attrs.requiredGraph('body')),
  async run(inputs, body, ctx) {
    const maxTrip = optionalTensorInput(inputs, 0, 'M');
    const condIn = optionalTensorInput(inputs, 1, 'cond');
    const limit = maxTrip ? BigInt((maxTrip.data as BigInt64Array)[0]) : undefined;
    let carried = inputs.slice(2) as Value[];
    let keepGoing = condIn ? truthy(condIn, 'cond') : true;
    const scans: Value[][] = [];
    let iteration = 0n;
    while (keepGoing && (limit === undefined || iteration < limit)) {
      const iterationValue = new DenseTensor('int64', [], new BigInt64Array([iteration]));
      const condValue = new DenseTensor('bool', [], new Uint8Array([1]));
      const outputs = await ctx.runSubgraph(body, [iterationValue, condValue, ...carried]);
      keepGoing = truthy(outputs[0], 'the body\'s condition output');
      carried = outputs.slice(1, 1 + carried.length);
      outputs.slice(1 + carried.length).forEach((v, k) => (scans[k] ??= []).push(v));
      iteration++;
    }
    const scanCount = body.graph.outputs.length - 1 - carried.length;
    const scanOutputs: Value[] = [];
    for (let k = 0; k < scanCount; k++) {
      const values = scans[k] ?? [];
      if (values.length === 0) {
        scanOutputs.push(emptyScanOutput(body, 1 + carried.length + k));
      } else if (values.every((v) => v.kind === 'tensor')) {
        scanOutputs.push(stackAlong(values as DenseTensor[], 0, `scan output ${k}`));
      } else {
        scanOutputs.push(new SequenceValue(values));
      }
    }
    return [...carried, ...scanOutputs];
  },
});

/** A zero-iteration scan output: shape [0, ...declared dims] where the body declares them. */
function emptyScanOutput(body: SubgraphHandle, index: number): DenseTensor {
  const declared = body.graph.outputs[index]?.type;
  const type = declared?.kind === 'tensor' && declared.elementType ? declared.elementType : 'float32';
  const dims = declared?.kind === 'tensor' && declared.shape ? declared.shape.map((d) => (typeof d === 'number' ? d : 0)) : [];
  return DenseTensor.zeros(type, [0, ...dims]);
}
