/**
 * StringNormalizer: drops stop words from a [C] or [1, C] string tensor, then lower- or
 * upper-cases what is left. When every element is dropped the output keeps one empty string
 * ([1] or [1, 1]), as the spec requires.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { caseMapper, type CaseMapper } from './locale-case.js';

type CaseAction = 'LOWER' | 'UPPER' | 'NONE';

interface NormalizerAttributes {
  readonly action: CaseAction;
  readonly caseSensitive: boolean;
  /** Stop words as compared: lower-cased when matching ignores case. */
  readonly stopwords: ReadonlySet<string>;
  readonly cases: CaseMapper;
}

function parseAction(value: string): CaseAction {
  if (value === 'LOWER' || value === 'UPPER' || value === 'NONE') return value;
  throw new KernelInputError(`attribute 'case_change_action' must be LOWER, UPPER or NONE, got '${value}'`);
}

function normalize(x: DenseTensor, attrs: NormalizerAttributes): DenseTensor {
  const isRow = x.rank === 2 && x.dims[0] === 1;
  if (x.rank !== 1 && !isRow) throw new KernelInputError(`X must have shape [C] or [1, C], got ${formatShape(x.dims)}`);
  const { cases } = attrs;
  const kept = (x.data as string[]).filter((s) => !attrs.stopwords.has(attrs.caseSensitive ? s : cases.lower(s)));
  const changed = attrs.action === 'LOWER' ? kept.map(cases.lower) : attrs.action === 'UPPER' ? kept.map(cases.upper) : kept;
  // Only a non-empty input that loses every word gets the placeholder; an empty input stays empty.
  const out = changed.length === 0 && x.size > 0 ? [''] : changed;
  return new DenseTensor('string', isRow ? [1, out.length] : [out.length], out);
}

export const stringNormalizerKernel = kernel<NormalizerAttributes>({
  domain: '',
  opType: 'StringNormalizer',
  sinceVersion: 10,
  typeConstraints: [{ input: 0, types: ['string'] }],
  parseAttributes(attrs) {
    const cases = caseMapper(attrs.string('locale'));
    const caseSensitive = attrs.int('is_case_sensitive', 0) !== 0;
    const words = attrs.strings('stopwords', []);
    return {
      action: parseAction(attrs.string('case_change_action', 'NONE')),
      caseSensitive,
      stopwords: new Set(caseSensitive ? words : words.map(cases.lower)),
      cases,
    };
  },
  run: (inputs, attrs) => [normalize(tensorInput(inputs, 0, 'X'), attrs)],
});
