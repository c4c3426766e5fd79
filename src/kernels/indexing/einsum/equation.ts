/**
 * Parsing an Einsum equation against the operand ranks into numeric labels: a letter is its
 * character code, and the dimensions an ellipsis stands for are labels ELLIPSIS_BASE + g, where
 * g counts the broadcast dimensions right-aligned across operands (as numpy aligns them).
 */
import { KernelInputError } from '../../../errors/errors.js';

export const ELLIPSIS_BASE = 256;
const ELLIPSIS = -1;

export interface EinsumEquation {
  /** Labels of each operand's dimensions, in order (repeats allowed: a diagonal). */
  readonly inputs: readonly (readonly number[])[];
  /** Labels of the output dimensions, in order. */
  readonly output: readonly number[];
}

/** A term as letters (char codes) and ELLIPSIS markers. */
function tokens(term: string, what: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < term.length; i++) {
    const c = term[i];
    if (/[a-zA-Z]/.test(c)) out.push(c.charCodeAt(0));
    else if (term.startsWith('...', i)) {
      out.push(ELLIPSIS);
      i += 2;
    } else throw new KernelInputError(`equation ${what} '${term}' has unexpected character '${c}' (expected letters and '...')`);
  }
  if (out.filter((t) => t === ELLIPSIS).length > 1) throw new KernelInputError(`equation ${what} '${term}' has more than one ellipsis`);
  return out;
}

function letterName(label: number): string {
  return String.fromCharCode(label);
}

export function parseEquation(equation: string, ranks: readonly number[]): EinsumEquation {
  const compact = equation.replace(/ /g, '');
  const sides = compact.split('->');
  if (sides.length > 2) throw new KernelInputError(`equation '${equation}' has more than one '->'`);
  const terms = sides[0].split(',');
  if (terms.length !== ranks.length) {
    throw new KernelInputError(`equation '${equation}' has ${terms.length} input terms but the node has ${ranks.length} inputs`);
  }
  const termTokens = terms.map((t, i) => tokens(t, `term ${i}`));
  const ellipsisRanks = termTokens.map((t, i) => {
    const letters = t.filter((x) => x !== ELLIPSIS).length;
    const spare = ranks[i] - letters;
    if (t.includes(ELLIPSIS) ? spare < 0 : spare !== 0) {
      throw new KernelInputError(`equation term '${terms[i]}' does not fit input ${i} of rank ${ranks[i]}`);
    }
    return spare;
  });
  const broadcastRank = Math.max(0, ...ellipsisRanks);
  const inputs = termTokens.map((t, i) =>
    t.flatMap((x) => {
      if (x !== ELLIPSIS) return [x];
      const e = ellipsisRanks[i];
      return Array.from({ length: e }, (_, k) => ELLIPSIS_BASE + broadcastRank - e + k);
    }),
  );
  const ellipsisLabels = Array.from({ length: broadcastRank }, (_, g) => ELLIPSIS_BASE + g);

  if (sides.length === 1) {
    const occurrences = new Map<number, number>();
    for (const labels of inputs) for (const l of labels) if (l < ELLIPSIS_BASE) occurrences.set(l, (occurrences.get(l) ?? 0) + 1);
    const once = [...occurrences].filter(([, n]) => n === 1).map(([l]) => l).sort((a, b) => a - b);
    return { inputs, output: [...ellipsisLabels, ...once] };
  }
  const output = tokens(sides[1], 'output').flatMap((x) => (x === ELLIPSIS ? ellipsisLabels : [x]));
  const known = new Set(inputs.flat());
  const seen = new Set<number>();
  for (const l of output) {
    if (l < ELLIPSIS_BASE && !known.has(l)) throw new KernelInputError(`equation output label '${letterName(l)}' appears in no input term`);
    if (seen.has(l)) throw new KernelInputError(`equation output label '${letterName(l)}' appears more than once`);
    seen.add(l);
  }
  return { inputs, output };
}
