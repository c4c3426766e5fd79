/**
 * Bernoulli (onnx/defs/generator/defs.cc and old.cc): draws uniform numbers in the input's type
 * and compares; the output takes `dtype` when set, else the input's type. ONNX's body compares
 * Greater (X_random, input), which draws 1 with probability 1 - p; the operator's definition
 * (and ONNX's reference implementation) draw 1 with probability p, so this body uses Less.
 */
import type { CallSite, FunctionSource } from '../function-source.js';
import { floatText, lines } from './text.js';

function bernoulliBody(call: CallSite): string {
  const seed = call.attribute('seed');
  const seedText = seed?.type === 'float' ? `, seed = ${floatText(seed.value)}` : '';
  const dtype = call.attribute('dtype');
  return lines(
    'Bernoulli (input) => (output) {',
    `  X_random = RandomUniformLike <low = 0.0, high = 1.0${seedText}> (input)`,
    '  X_less = Less (X_random, input)',
    dtype?.type === 'int' ? `  output = Cast <to = ${dtype.value}> (X_less)` : '  output = CastLike (X_less, input)',
    '}',
  );
}

export const randomFunctionBodies: readonly FunctionSource[] = [
  { opType: 'Bernoulli', since: 15, until: 21, bodyOpset: 15, body: bernoulliBody },
  { opType: 'Bernoulli', since: 22, bodyOpset: 22, body: bernoulliBody },
];
