import type { KernelDefinition } from '../kernel.js';
import { flexAttentionKernel } from './flex-attention.js';
import { linearAttentionKernel } from './linear-attention.js';
import { rotaryEmbeddingKernel } from './rotary-embedding.js';
import { swigluKernel } from './swiglu.js';
import { tensorScatterKernel } from './tensor-scatter.js';

/** The newest transformer building blocks: positional rotation, gating, KV-cache writes, attention variants. */
export const transformerKernels: KernelDefinition[] = [
  rotaryEmbeddingKernel,
  swigluKernel,
  tensorScatterKernel,
  linearAttentionKernel,
  flexAttentionKernel,
];
