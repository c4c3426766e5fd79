/**
 * BERT-base and GPT-2 small with all their weights, run at sequence 16 instead of 128 / 64 to
 * keep the suite fast (onnxts' plain TypeScript MatMul takes seconds at full length); the
 * parameters do not depend on the sequence length.
 */
import { describe, it } from 'vitest';
import { bertBase, bertRecipe } from '../../src/tools/model-builder/architectures/bert-base.js';
import { gpt2Recipe, gpt2Small } from '../../src/tools/model-builder/architectures/gpt2-small.js';
import { checkArchitecture, type ArchitectureCase } from './architecture-check.js';

const SEQUENCE = 16;

const ATTENTION = ['Gather', 'Add', 'LayerNormalization', 'MatMul', 'Reshape', 'Transpose', 'Div', 'Softmax', 'Mul'];

/** Parameter counts are those of the Hugging Face checkpoints (BERT with its pooler, GPT-2 with tied LM head). */
const CASES: ArchitectureCase[] = [
  {
    name: 'BERT-base', parameters: 109_482_240,
    build: (seed) => bertBase({ seed, sequenceLength: SEQUENCE }), recipe: bertRecipe({ sequenceLength: SEQUENCE }),
    ops: [...ATTENTION, 'Unsqueeze', 'Cast', 'Sub', 'Erf', 'Gemm', 'Tanh'],
  },
  {
    name: 'GPT-2 small', parameters: 124_439_808,
    build: (seed) => gpt2Small({ seed, sequenceLength: SEQUENCE }), recipe: gpt2Recipe({ sequenceLength: SEQUENCE }),
    ops: [...ATTENTION, 'Split', 'Where', 'Pow', 'Tanh'],
  },
];

describe('transformer architectures match onnxruntime-node', () => {
  for (const c of CASES) it(c.name, () => checkArchitecture(c), 180_000);
});
