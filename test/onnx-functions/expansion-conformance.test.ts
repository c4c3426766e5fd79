/**
 * Every body in the library, proved on the ONNX node tests of its op: the op's kernels are
 * removed from the registry, so the planner sees no kernel and the body runs instead; the test
 * must give the results the kernel gives (the tests in conformance/expected-passes.txt). Each
 * runs twice: unoptimized, so the body itself is what runs (no fusion turns it back into one
 * op), and with every optimization, as a session would run it.
 */
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { standardFunctionOps } from '../../src/onnx-functions/lookup.js';
import { expectedPasses, foldersUsing, runNodeTest } from './node-tests.js';

/** Tests that cannot run through a body, and why. */
const NOT_THROUGH_BODY: Readonly<Record<string, string>> = {
  // ONNX writes these bodies for opset 18 (they use CastLike); an older model has no body.
  test_relu: 'opset 14 model, Relu body needs opset 18',
  test_shrink_hard: 'opset 9 model, Shrink body needs opset 18',
  test_shrink_soft: 'opset 9 model, Shrink body needs opset 18',
};

const expected = expectedPasses();
let passedAtOwnOpset = 0;
let passedAtOtherOpsets = 0;

describe('ai.onnx function bodies on the node tests, kernels removed', () => {
  for (const op of standardFunctionOps()) {
    it(`${op}`, async () => {
      const registry = defaultRegistry().without('', [op]);
      const folders = (await foldersUsing(op)).filter((f) => expected.has(f.name));
      const failures: string[] = [];
      for (const folder of folders) {
        const bare = await runNodeTest(folder.name, registry, { graphOptimizationLevel: 'disabled' });
        const optimized = await runNodeTest(folder.name, registry);
        if (bare.passed && optimized.passed) passedAtOwnOpset++;
        else if (!(folder.name in NOT_THROUGH_BODY)) {
          failures.push(`${folder.name} (opset ${folder.opset}): ${bare.reason ?? `optimized: ${optimized.reason}`}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  /**
   * Bodies that the tests' own opsets do not select, reached by running the same tests at an
   * opset where the op means the same: each must match what the kernel gives at that opset.
   */
  const OTHER_OPSETS: readonly [string, number, RegExp?][] = [
    // Celu-12 is float32-only; the float16/bfloat16 tests are for Celu-28.
    ['Celu', 12, /^test_celu$/], ['HardSwish', 14], ['Mish', 18], ['Softmax', 18], ['LogSoftmax', 18], ['LayerNormalization', 18],
    ['MeanVarianceNormalization', 9], ['MeanVarianceNormalization', 18], ['NegativeLogLikelihoodLoss', 12], ['NegativeLogLikelihoodLoss', 13], ['SoftmaxCrossEntropyLoss', 12],
    ['GreaterOrEqual', 12], ['LessOrEqual', 12], ['Range', 11], ['Shrink', 18], ['Relu', 18],
    ['ReduceLogSum', 28], ['ReduceLogSumExp', 28],
  ];
  for (const [op, opset, only] of OTHER_OPSETS) {
    it(`${op} at opset ${opset}`, async () => {
      const withoutKernel = defaultRegistry().without('', [op]);
      const failures: string[] = [];
      let ran = 0;
      for (const folder of (await foldersUsing(op)).filter((f) => expected.has(f.name) && (!only || only.test(f.name)))) {
        if (!(await runNodeTest(folder.name, defaultRegistry(), {}, opset)).passed) continue;
        ran++;
        const outcome = await runNodeTest(folder.name, withoutKernel, { graphOptimizationLevel: 'disabled' }, opset);
        if (outcome.passed) passedAtOtherOpsets++;
        else failures.push(`${folder.name}: ${outcome.reason}`);
      }
      expect(ran, 'tests the kernel passes at this opset').toBeGreaterThan(0);
      expect(failures).toEqual([]);
    });
  }

  it('pass as many tests as the kernels (counts printed for the record)', () => {
    console.log(`node tests passing through function bodies: ${passedAtOwnOpset} at their own opset, ${passedAtOtherOpsets} more at other opsets`);
    expect(passedAtOwnOpset).toBeGreaterThanOrEqual(340);
  });
});
