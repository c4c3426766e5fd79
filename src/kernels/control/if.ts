/** If: runs then_branch or else_branch on a boolean condition; the branch outputs are the node's. */
import { KernelInputError } from '../../errors/errors.js';
import { kernel, type SubgraphHandle } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';

interface Branches {
  readonly thenBranch: SubgraphHandle;
  readonly elseBranch: SubgraphHandle;
}

export const ifKernel = kernel<Branches>({
  domain: '',
  opType: 'If',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ['bool'] }],
  parseAttributes: (attrs, ctx) => ({
    thenBranch: ctx.subgraph(attrs.requiredGraph('then_branch')),
    elseBranch: ctx.subgraph(attrs.requiredGraph('else_branch')),
  }),
  run(inputs, branches, ctx) {
    const cond = tensorInput(inputs, 0, 'cond');
    if (cond.size !== 1) throw new KernelInputError(`cond must hold one value, got shape [${cond.dims.join(',')}]`);
    const branch = (cond.data as Uint8Array)[0] ? branches.thenBranch : branches.elseBranch;
    return ctx.runSubgraph(branch, []);
  },
});
