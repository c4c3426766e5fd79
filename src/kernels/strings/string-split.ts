/**
 * StringSplit: splits each string on a delimiter (or, with none, on runs of whitespace the way
 * Python's str.split() does), at most `maxsplit` times. The substrings gain a trailing axis as
 * long as the longest split, padded with empty strings; the counts come out as int64.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';

interface SplitAttributes {
  /** Undefined: split on whitespace runs and drop leading and trailing whitespace. */
  readonly delimiter: string | undefined;
  readonly maxsplit: number;
}

/** Runs of anything but Python's str.isspace() set, which differs from JavaScript's \s (\x1c-\x1f and \x85 in, \ufeff out). */
const WORD = /[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

function splitOnWhitespace(s: string, maxsplit: number): string[] {
  const parts: string[] = [];
  for (const word of s.matchAll(WORD)) {
    // As in Python, the remainder after the last split keeps its inner and trailing whitespace.
    if (parts.length === maxsplit) {
      parts.push(s.slice(word.index));
      break;
    }
    parts.push(word[0]);
  }
  return parts;
}

function splitOnDelimiter(s: string, delimiter: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let start = 0;
  while (parts.length < maxsplit) {
    const at = s.indexOf(delimiter, start);
    if (at < 0) break;
    parts.push(s.slice(start, at));
    start = at + delimiter.length;
  }
  parts.push(s.slice(start));
  return parts;
}

function split(x: DenseTensor, { delimiter, maxsplit }: SplitAttributes): DenseTensor[] {
  const strings = x.data as string[];
  const pieces = strings.map((s) => (delimiter === undefined ? splitOnWhitespace(s, maxsplit) : splitOnDelimiter(s, delimiter, maxsplit)));
  const width = pieces.reduce((m, p) => Math.max(m, p.length), 0);
  const substrings = new Array<string>(strings.length * width).fill('');
  const counts = new BigInt64Array(strings.length);
  pieces.forEach((p, i) => {
    for (let k = 0; k < p.length; k++) substrings[i * width + k] = p[k];
    counts[i] = BigInt(p.length);
  });
  return [new DenseTensor('string', [...x.dims, width], substrings), new DenseTensor('int64', x.dims, counts)];
}

export const stringSplitKernel = kernel<SplitAttributes>({
  domain: '',
  opType: 'StringSplit',
  sinceVersion: 20,
  typeConstraints: [{ input: 0, types: ['string'] }],
  parseAttributes(attrs) {
    const delimiter = attrs.string('delimiter');
    const maxsplit = attrs.int('maxsplit');
    if (maxsplit !== undefined && maxsplit < 0) throw new KernelInputError(`attribute 'maxsplit' must be non-negative, got ${maxsplit}`);
    return { delimiter: delimiter === '' ? undefined : delimiter, maxsplit: maxsplit ?? Infinity };
  },
  run: (inputs, attrs) => split(tensorInput(inputs, 0, 'X'), attrs),
});
