/**
 * SequenceMap (17+): runs `body` once per position of the input sequence(s); the extra
 * inputs that are tensors are passed whole to every iteration. Each body output builds one
 * output sequence.
 */
import { KernelInputError } from '../../errors/errors.js';
import { SequenceValue, type Value } from '../../tensor/value.js';
import { kernel, type SubgraphHandle } from '../kernel.js';

export const sequenceMapKernel = kernel<SubgraphHandle>({
  domain: '', opType: 'SequenceMap', sinceVersion: 17,
  parseAttributes: (attrs, ctx) => ctx.subgraph(attrs.requiredGraph('body')),
  async run(inputs, body, ctx) {
    const first = inputs[0];
    if (first?.kind !== 'sequence') throw new KernelInputError('input_sequence must be a sequence');
    const length = first.elements.length;
    for (const [i, v] of inputs.entries()) {
      if (v?.kind === 'sequence' && v.elements.length !== length) {
        throw new KernelInputError(`input ${i} has ${v.elements.length} elements, input 0 has ${length}`);
      }
    }
    const outputs: Value[][] = body.graph.outputs.map(() => []);
    for (let k = 0; k < length; k++) {
      const args = inputs.map((v) => (v?.kind === 'sequence' ? v.elements[k] : v));
      (await ctx.runSubgraph(body, args)).forEach((v, j) => outputs[j].push(v));
    }
    return outputs.map((elements) => new SequenceValue(elements, elements[0]?.kind === 'tensor' ? elements[0].type : undefined));
  },
});
