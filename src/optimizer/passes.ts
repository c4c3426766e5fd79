/**
 * Every optimizer pass, by level, in the order they run (as onnxruntime's
 * graph_transformer_utils.cc lists its transformers). Levels run basic -> extended -> layout,
 * and the whole list repeats until no pass changes the model. Each name can be disabled.
 */
import type { OptimizerPass } from './pass.js';
import { eliminateCommonSubexpressions } from './passes/eliminate-common-subexpressions.js';
import { eliminateDeadNodes, removeUnusedInitializers } from './passes/eliminate-dead-code.js';
import {
  eliminateDropout, eliminateIdentity, eliminateNoOpCast, eliminateNoOpExpand, eliminateNoOpPad, eliminateNoOpReshape,
  eliminateNoOpSlice, eliminateNoOpTranspose,
} from './passes/eliminate-no-ops.js';
import { foldConstants } from './passes/fold-constants.js';
import { freezeInitializerInputs } from './passes/freeze-initializer-inputs.js';
import { fuseAttention } from './passes/fuse-attention.js';
import { fuseBiasGelu } from './passes/fuse-bias-gelu.js';
import { fuseConvActivation, fuseConvAddActivation, fuseGemmActivation } from './passes/fuse-activations.js';
import { fuseConvAdd, fuseConvMul } from './passes/fuse-conv-add-mul.js';
import { fuseConvBatchNorm } from './passes/fuse-conv-batch-norm.js';
import { fuseConcatenatedHeadsAttention } from './passes/fuse-concatenated-heads-attention.js';
import { fuseFastGelu, fuseGelu } from './passes/fuse-gelu.js';
import { fuseMatMulAdd } from './passes/fuse-matmul-add.js';
import { fuseMatMulScale } from './passes/fuse-matmul-scale.js';
import { fuseMatMulTranspose } from './passes/fuse-matmul-transpose.js';
import { fuseMultiHeadAttention } from './passes/fuse-multi-head-attention.js';
import { fuseLayerNormalization, fuseRmsNormalization } from './passes/fuse-normalizations.js';
import { fuseHardSigmoid } from './passes/fuse-hard-sigmoid.js';
import { fuseQdqBinary } from './passes/fuse-qdq-binary.js';
import { fuseQdqConv } from './passes/fuse-qdq-conv.js';
import { fuseQdqMatMul } from './passes/fuse-qdq-matmul.js';
import { fuseQdqMaxPool } from './passes/fuse-qdq-pool.js';
import { fuseHardSwish, fuseQuickGelu } from './passes/fuse-sigmoid-gates.js';
import { fuseSkipLayerNormalization } from './passes/fuse-skip-layer-normalization.js';
import { foldSqueezeUnsqueeze } from './passes/fold-squeeze-unsqueeze.js';
import { layoutNhwc } from './passes/layout-nhwc.js';
import { mergeReshapes } from './passes/merge-reshapes.js';
import { mergeTransposes } from './passes/merge-transposes.js';
import { inferShapes } from './shapes/infer-shapes.js';

export const BASIC_PASSES: readonly OptimizerPass[] = [
  // Before anything that asks whether a value is constant.
  freezeInitializerInputs,
  // Shapes first: the no-op checks and folding of Shape nodes read them.
  inferShapes,
  eliminateIdentity,
  eliminateDropout,
  eliminateNoOpReshape,
  eliminateNoOpTranspose,
  eliminateNoOpCast,
  eliminateNoOpExpand,
  eliminateNoOpSlice,
  eliminateNoOpPad,
  eliminateCommonSubexpressions,
  // Before FoldConstants would copy a transposed weight only for the GEMM to pack it again.
  fuseMatMulTranspose,
  foldConstants,
  mergeTransposes,
  mergeReshapes,
  foldSqueezeUnsqueeze,
  eliminateDeadNodes,
  removeUnusedInitializers,
];

export const EXTENDED_PASSES: readonly OptimizerPass[] = [
  // QDQ groups first, before the float fusions below take their Conv, MatMul or Relu.
  fuseQdqConv,
  fuseQdqMatMul,
  fuseQdqBinary,
  fuseQdqMaxPool,
  // Before FuseConvAdd can fold the + 3 of a Conv's hard sigmoid into the Conv bias.
  fuseHardSigmoid,
  // Folds into Conv weights next, so the activation fusions below see the final Conv.
  fuseConvBatchNorm,
  fuseConvAdd,
  fuseConvMul,
  fuseMatMulAdd,
  // Self-attention before FuseMatMulScale takes its scaled Q·Kᵀ into a FusedMatMul.
  fuseAttention,
  // Cross-attention, which FuseAttention leaves: its keys come from another sequence.
  fuseMultiHeadAttention,
  fuseConcatenatedHeadsAttention,
  // Elementwise patterns next: HardSwish must exist before Conv + HardSwish can fuse.
  fuseGelu,
  fuseFastGelu,
  fuseQuickGelu,
  fuseHardSwish,
  fuseLayerNormalization,
  fuseRmsNormalization,
  // After the GELU and LayerNormalization fusions they extend.
  fuseSkipLayerNormalization,
  fuseBiasGelu,
  fuseMatMulScale,
  fuseConvAddActivation,
  fuseConvActivation,
  fuseGemmActivation,
];

/** Convolution chains channels-last where the NHWC kernels run them faster (docs/optimizer-layout.md). */
export const LAYOUT_PASSES: readonly OptimizerPass[] = [layoutNhwc];

export const ALL_PASSES: readonly OptimizerPass[] = [...BASIC_PASSES, ...EXTENDED_PASSES, ...LAYOUT_PASSES];
