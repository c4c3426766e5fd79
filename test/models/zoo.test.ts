/**
 * Model-zoo architectures built the way real exporters write them (src/tools/model-builder/
 * architectures/zoo), at their test sizes: onnxts matches onnxruntime-node at levels 'disabled'
 * and 'all', the `onnxts optimize` output runs in onnxruntime-node with the original's outputs,
 * and a profiled run has one trace event per node of the optimized plan.
 */
import { describe, it } from 'vitest';
import { ZOO_ARCHITECTURES } from '../../src/tools/model-builder/architectures/zoo/index.js';
import {
  expectOneTraceEventPerPlannedNode, expectOptimizedModelRunsInOnnxruntime, expectRunsLikeOnnxruntime, referenceOutputs, zooFeeds,
} from '../support/zoo-check.js';

/**
 * The int8 QDQ model: a float difference of one ulp (onnxruntime's GlobalAveragePool sums in
 * SIMD lane order) can move a value that sits on a half-step tie to the other int8 code, and
 * quantized levels make exact ties common. One flipped pooled code moves the logits by at most
 * scale (4/255) x largest fc weight (0.26 at the test width): 0.0041; the bound allows eight.
 */
const TOLERANCE = new Map([['qdq_resnet18', { rtol: 0, atol: 0.035 }]]);

describe('model-zoo architectures', () => {
  for (const architecture of ZOO_ARCHITECTURES) {
    it(`${architecture.name} (${architecture.exporter})`, async () => {
      const model = architecture.build('test');
      const feeds = zooFeeds(architecture.recipe('test'));
      const reference = await referenceOutputs(model, feeds);
      await expectRunsLikeOnnxruntime(architecture.name, model, feeds, reference, TOLERANCE.get(architecture.name));
      await expectOptimizedModelRunsInOnnxruntime(architecture.name, model, feeds, reference, TOLERANCE.get(architecture.name));
      await expectOneTraceEventPerPlannedNode(architecture.name, model, feeds);
    }, 60_000);
  }
});
