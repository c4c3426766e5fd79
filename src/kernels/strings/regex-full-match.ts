/** RegexFullMatch: whether each string matches an RE2 pattern in full (anchored at both ends). */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { compileRegex, fullMatch, type CompiledRegex } from './re2/matcher.js';
import { parseRe2 } from './re2/syntax.js';

export const regexFullMatchKernel = kernel<CompiledRegex>({
  domain: '',
  opType: 'RegexFullMatch',
  sinceVersion: 20,
  typeConstraints: [{ input: 0, types: ['string'] }],
  parseAttributes(attrs) {
    const pattern = attrs.string('pattern');
    if (pattern === undefined) throw new KernelInputError(`attribute 'pattern' is required but missing`);
    return compileRegex(parseRe2(pattern), pattern);
  },
  run(inputs, regex) {
    const x = tensorInput(inputs, 0, 'X');
    const out = Uint8Array.from(x.data as string[], (s) => (fullMatch(regex, s) ? 1 : 0));
    return [new DenseTensor('bool', x.dims, out)];
  },
});
