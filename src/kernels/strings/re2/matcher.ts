/**
 * Full-match testing for parsed RE2 patterns by Thompson NFA simulation: the pattern compiles
 * to a program of character, split and assertion instructions, and the input is scanned once
 * with the set of live states. Time is linear in the input for a given pattern, as RE2
 * guarantees, so no input can make a match run away the way a backtracking engine can.
 */
import { KernelInputError } from '../../../errors/errors.js';
import { isWordChar, type CharTest } from './char-class.js';
import type { Assertion, RegexNode } from './syntax.js';

type Instruction =
  | { op: 'char'; test: CharTest; next: number }
  | { op: 'split'; a: number; b: number }
  | { op: 'assert'; at: Assertion; next: number }
  | { op: 'match' };

/** Bounds the program, which counted repetitions multiply (RE2 bounds its program memory the same way). */
const MAX_INSTRUCTIONS = 100_000;
const NEWLINE = 0x0a;

export interface CompiledRegex {
  readonly program: readonly Instruction[];
  readonly start: number;
}

export function compileRegex(root: RegexNode, pattern: string): CompiledRegex {
  const program: Instruction[] = [{ op: 'match' }];
  const emit = (inst: Instruction): number => {
    if (program.length >= MAX_INSTRUCTIONS) throw new KernelInputError(`pattern '${pattern}' is too large once its repetitions are expanded`);
    program.push(inst);
    return program.length - 1;
  };
  // Builds back to front: each node is compiled knowing where to go once it has matched.
  const compile = (node: RegexNode, next: number): number => {
    switch (node.kind) {
      case 'empty':
        return next;
      case 'char':
        return emit({ op: 'char', test: node.test, next });
      case 'assert':
        return emit({ op: 'assert', at: node.at, next });
      case 'concat':
        return node.items.reduceRight((to, item) => compile(item, to), next);
      case 'alt':
        return node.items.map((item) => compile(item, next)).reduceRight((rest, entry) => emit({ op: 'split', a: entry, b: rest }));
      case 'repeat': {
        let entry = next;
        if (node.max === Infinity) {
          const loop: Instruction = { op: 'split', a: next, b: next };
          entry = emit(loop);
          loop.a = compile(node.item, entry);
        } else {
          for (let k = node.min; k < node.max; k++) entry = emit({ op: 'split', a: compile(node.item, entry), b: next });
        }
        for (let k = 0; k < node.min; k++) entry = compile(node.item, entry);
        return entry;
      }
    }
  };
  const start = compile(root, 0);
  return { program, start };
}

function assertionHolds(at: Assertion, before: number, after: number): boolean {
  switch (at) {
    case 'begin-text': return before < 0;
    case 'end-text': return after < 0;
    case 'begin-line': return before < 0 || before === NEWLINE;
    case 'end-line': return after < 0 || after === NEWLINE;
    case 'word-boundary': return (before >= 0 && isWordChar(before)) !== (after >= 0 && isWordChar(after));
    case 'not-word-boundary': return (before >= 0 && isWordChar(before)) === (after >= 0 && isWordChar(after));
  }
}

/** True when the whole of `text` matches. */
export function fullMatch({ program, start }: CompiledRegex, text: string): boolean {
  const cps = Array.from(text, (c) => c.codePointAt(0) ?? 0);
  const seen = new Uint32Array(program.length);
  let generation = 0;
  // The states reachable from `roots` without consuming input, at position `pos`.
  const closure = (roots: number[], pos: number): number[] => {
    generation++;
    const before = pos > 0 ? cps[pos - 1] : -1;
    const after = pos < cps.length ? cps[pos] : -1;
    const states: number[] = [];
    const stack = roots.slice().reverse();
    while (stack.length > 0) {
      const pc = stack.pop() as number;
      if (seen[pc] === generation) continue;
      seen[pc] = generation;
      const inst = program[pc];
      if (inst.op === 'split') stack.push(inst.b, inst.a);
      else if (inst.op === 'assert') {
        if (assertionHolds(inst.at, before, after)) stack.push(inst.next);
      } else states.push(pc);
    }
    return states;
  };
  let states = closure([start], 0);
  for (let pos = 0; pos < cps.length && states.length > 0; pos++) {
    const cp = cps[pos];
    const advanced: number[] = [];
    for (const pc of states) {
      const inst = program[pc];
      if (inst.op === 'char' && inst.test(cp)) advanced.push(inst.next);
    }
    states = closure(advanced, pos + 1);
  }
  return states.includes(0);
}
