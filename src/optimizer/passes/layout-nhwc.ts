/**
 * LayoutNhwc (layout level): chains of convolutions in the channels-last layout, where the
 * NHWC kernels run them faster (src/kernels/nhwc/, docs/optimizer-layout.md), with transposes
 * only at the chain's edges. Each convolution of a kind that gains is wrapped in transposes
 * (layout-convs.ts); then, until nothing changes, Transposes out of the layout move down past
 * the elementwise nodes and Concats that read them (layout-push-transposes.ts), a Transpose
 * that meets its inverse cancels (MergeTransposes) and whatever that leaves unread goes
 * (EliminateDeadNodes). What remains are the transposes into the layout where a chain starts
 * and out of it where a planar op reads a chain value. Last, residual Adds join the
 * convolution before them (layout-residual.ts).
 */
import { env } from '../../config/env.js';
import type { Model } from '../../ir/graph.js';
import { NHWC_DOMAIN } from '../../kernels/nhwc/nhwc-layout.js';
import { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { GraphRewrite } from '../graph-rewrite.js';
import type { OptimizerPass, PassContext } from '../pass.js';
import { eliminateDeadNodes } from './eliminate-dead-code.js';
import { chainedConvs, convertConv, NHWC_OPSET, type LayoutChoice } from './layout-convs.js';
import { pushTransposeThrough } from './layout-push-transposes.js';
import { fuseNhwcResidual } from './layout-residual.js';
import { mergeTransposes } from './merge-transposes.js';
import { inferShapes } from '../shapes/infer-shapes.js';

const pushTransposes = graphPass({ name: 'LayoutNhwcPush', level: 'layout', rewrite: nodeRewriter(pushTransposeThrough) });

/** Each round moves every Transpose at least one node on; a chain is never longer than this. */
const MAX_SETTLE_ROUNDS = 10_000;

/** Runs `passes` over `model` until none changes it. */
function settle(model: Model, passes: readonly OptimizerPass[], context: PassContext): Model {
  let current = model;
  for (let round = 0, changed = true; changed && round < MAX_SETTLE_ROUNDS; round++) {
    changed = false;
    for (const pass of passes) {
      const result = pass.run(current, context);
      if (result === 'unchanged') continue;
      current = result;
      changed = true;
    }
  }
  return current;
}

/**
 * The pass for the convolutions `choice` takes; LAYOUT_PASSES holds it for those measured
 * faster channels-last. It stands aside where WebAssembly kernels are off (env.wasm.simd =
 * false): the TypeScript channels-last loops are slower than the planar ones (MobileNetV2 1.15x).
 */
export function layoutNhwcPass(choice: LayoutChoice): OptimizerPass {
  const convertConvs = graphPass({
    name: 'LayoutNhwcConvs',
    level: 'layout',
    rewrite: (graph, scope) => {
      const index = new GraphIndex(graph, scope.outerTypes);
      const chosen = chainedConvs(graph.nodes, index, choice);
      if (chosen.size === 0) return undefined;
      const rewrite = new GraphRewrite(graph, scope.outerTypes.keys());
      for (const node of chosen) if (convertConv(node, index, rewrite, scope)) rewrite.rewrites++;
      return rewrite.changed ? { graph: rewrite.apply(), rewrites: rewrite.rewrites } : undefined;
    },
  });
  return {
    name: 'LayoutNhwc',
    level: 'layout',
    run(model: Model, context: PassContext): Model | 'unchanged' {
      if (env.wasm.simd === false) return 'unchanged';
      let converted = 0;
      const counting: PassContext = { ...context, fired: (count) => (converted += count) };
      const withDomain = model.opsetImports.has(NHWC_DOMAIN) ? model : { ...model, opsetImports: new Map([...model.opsetImports, [NHWC_DOMAIN, NHWC_OPSET]]) };
      const result = convertConvs.run(withDomain, counting);
      if (result === 'unchanged') return 'unchanged';
      context.fired(converted);
      const quiet: PassContext = { ...context, fired: () => undefined };
      let current = settle(result, [pushTransposes, mergeTransposes, eliminateDeadNodes], quiet);
      // Shapes first: the residual fusion compares those of the values the rewrites created.
      for (const pass of [inferShapes, fuseNhwcResidual]) {
        const next = pass.run(current, quiet);
        if (next !== 'unchanged') current = next;
      }
      return current;
    },
  };
}

/**
 * The convolutions the channels-last kernels run faster than the planar ones, measured (docs/optimizer-layout.md).
 * Since the direct pointwise kernel (wasm/assembly/nhwc-pointwise.ts) a 1x1 layer channels-last
 * beats the planar one down to 7x7 maps (0.89-0.91x at 13x13, single layers); the whole-model
 * bound is lower than 196, where it stood for the GEMM, but not 0: with every 1x1 taken,
 * squeeze-excitation blocks (1x1 maps) and 1xW heads pull transposes into PP-OCRv4's recognizer
 * (1.1x slower), while at 128 YOLOX's 13x13 stages join their chains (0.9x).
 */
export const FASTER_CHANNELS_LAST: LayoutChoice = { kinds: new Set(['pointwise', 'depthwise']), pointwiseMinPositions: 128 };

export const layoutNhwc = layoutNhwcPass(FASTER_CHANNELS_LAST);
