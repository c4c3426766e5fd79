import type { KernelDefinition } from '../kernel.js';
import { contribAttentionKernel } from './contrib-attention.js';
import { embedLayerNormalizationKernel } from './embed-layer-normalization.js';
import { fusedConvKernel } from './fused-conv.js';
import { fusedGemmKernel } from './fused-gemm.js';
import { fusedMatMulKernel } from './fused-matmul.js';
import { geluKernels } from './gelu-family.js';
import { groupQueryAttentionKernel } from './group-query-attention.js';
import { legacyLayerNormalizationKernels } from './legacy-layer-normalization.js';
import { multiHeadAttentionKernel } from './multi-head-attention.js';
import { rotaryEmbeddingKernel } from './rotary-embedding.js';
import { skipLayerNormalizationKernels } from './skip-layer-normalization.js';

export const contribTransformerKernels: KernelDefinition[] = [
  ...geluKernels,
  ...skipLayerNormalizationKernels,
  ...legacyLayerNormalizationKernels,
  embedLayerNormalizationKernel,
  fusedConvKernel,
  fusedGemmKernel,
  fusedMatMulKernel,
  contribAttentionKernel,
  multiHeadAttentionKernel,
  groupQueryAttentionKernel,
  rotaryEmbeddingKernel,
];
