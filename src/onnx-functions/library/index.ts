/** Every function body the library holds, one list per operator family. */
import type { FunctionSource } from '../function-source.js';
import { attentionFunctionBodies } from './attention.js';
import { causalConvFunctionBodies } from './causal-conv.js';
import { generatorFunctionBodies } from './generator.js';
import { linearAttentionFunctionBodies } from './linear-attention.js';
import { logicalFunctionBodies } from './logical.js';
import { lossFunctionBodies } from './loss.js';
import { mathContextFunctionBodies } from './math-context.js';
import { normalizationContextFunctionBodies } from './normalization-context.js';
import { randomFunctionBodies } from './random.js';
import { rotaryEmbeddingFunctionBodies } from './rotary-embedding.js';
import { tensorContextFunctionBodies } from './tensor-context.js';
import { mathFunctionBodies } from './math.js';
import { nnFunctionBodies } from './nn.js';
import { quantizationFunctionBodies } from './quantization.js';
import { reductionFunctionBodies } from './reduction.js';
import { signalFunctionBodies } from './signal.js';
import { tensorFunctionBodies } from './tensor.js';

export const standardFunctionBodies: readonly FunctionSource[] = [
  ...mathFunctionBodies,
  ...signalFunctionBodies,
  ...logicalFunctionBodies,
  ...nnFunctionBodies,
  ...reductionFunctionBodies,
  ...generatorFunctionBodies,
  ...quantizationFunctionBodies,
  ...tensorFunctionBodies,
  ...mathContextFunctionBodies,
  ...normalizationContextFunctionBodies,
  ...lossFunctionBodies,
  ...randomFunctionBodies,
  ...rotaryEmbeddingFunctionBodies,
  ...attentionFunctionBodies,
  ...causalConvFunctionBodies,
  ...linearAttentionFunctionBodies,
  ...tensorContextFunctionBodies,
];
