/** Comparisons: function bodies as ONNX defines them (onnx/defs/logical/defs.cc and old.cc). */
import { sameBodyFor, type FunctionSource } from '../function-source.js';

export const logicalFunctionBodies: readonly FunctionSource[] = [
  ...sameBodyFor('GreaterOrEqual', `GreaterOrEqual (A, B) => (C) {
    O1 = Greater (A, B)
    O2 = Equal (A, B)
    C = Or (O1, O2)
  }`, { since: 12, until: 15, bodyOpset: 12 }, { since: 16, bodyOpset: 16 }),
  ...sameBodyFor('LessOrEqual', `LessOrEqual (A, B) => (C) {
    O1 = Less (A, B)
    O2 = Equal (A, B)
    C = Or (O1, O2)
  }`, { since: 12, until: 15, bodyOpset: 12 }, { since: 16, bodyOpset: 16 }),
];
