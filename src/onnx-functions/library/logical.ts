/** Comparisons: function bodies as ONNX defines them (onnx/defs/logical/defs.cc and old.cc). */
import type { FunctionSource } from '../function-source.js';

export const logicalFunctionBodies: readonly FunctionSource[] = [
  {
    opType: 'GreaterOrEqual', since: 12, until: 15, bodyOpset: 12,
    body: `GreaterOrEqual (A, B) => (C) {
    O1 = Greater (A, B)
    O2 = Equal (A, B)
    C = Or (O1, O2)
  }`,
  },
  {
    opType: 'GreaterOrEqual', since: 16, bodyOpset: 16,
    body: `GreaterOrEqual (A, B) => (C) {
    O1 = Greater (A, B)
    O2 = Equal (A, B)
    C = Or (O1, O2)
  }`,
  },
  {
    opType: 'LessOrEqual', since: 12, until: 15, bodyOpset: 12,
    body: `LessOrEqual (A, B) => (C) {
    O1 = Less (A, B)
    O2 = Equal (A, B)
    C = Or (O1, O2)
  }`,
  },
  {
    opType: 'LessOrEqual', since: 16, bodyOpset: 16,
    body: `LessOrEqual (A, B) => (C) {
    O1 = Less (A, B)
    O2 = Equal (A, B)
    C = Or (O1, O2)
  }`,
  },
];
