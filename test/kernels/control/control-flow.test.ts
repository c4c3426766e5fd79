/** If, Loop and Scan against onnxruntime-node, with bodies that read outer-scope values. */
import { describe, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import { attr, buildModel, graph } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

const bool = (v: boolean) => new Tensor('bool', Uint8Array.of(v ? 1 : 0), []);

describe('If', () => {
  const thenBranch = graph({ nodes: [{ op: 'Add', inputs: ['x', 'y'], outputs: ['r'] }], inputs: [], outputs: [{ name: 'r', type: 'float32' }] });
  const elseBranch = graph({ nodes: [{ op: 'Mul', inputs: ['x', 'y'], outputs: ['r2'] }], inputs: [], outputs: [{ name: 'r2', type: 'float32' }] });
  const model = buildModel({
    nodes: [{ op: 'If', inputs: ['c'], outputs: ['out'], attributes: { then_branch: attr.graph(thenBranch), else_branch: attr.graph(elseBranch) } }],
    inputs: [{ name: 'c', type: 'bool', shape: [] }, { name: 'x', type: 'float32', shape: [3, 4] }, { name: 'y', type: 'float32', shape: [4] }],
    outputs: [{ name: 'out', type: 'float32' }],
  });
  for (const c of [true, false]) {
    it(`takes the ${c ? 'then' : 'else'} branch, reading outer values`, async () => {
      const rng = new Rng(3);
      await expectMatchesOnnxruntime(model, { c: bool(c), x: randomTensor('float32', [3, 4], rng), y: randomTensor('float32', [4], rng) });
    });
  }
});

describe('Loop', () => {
  const body = graph({
    nodes: [
      { op: 'Add', inputs: ['acc_in', 'step'], outputs: ['acc_out'] },
      { op: 'Mul', inputs: ['acc_out', 'acc_out'], outputs: ['squared'] },
      { op: 'Less', inputs: ['acc_out', 'limit'], outputs: ['cond_out'] },
    ],
    inputs: [{ name: 'i', type: 'int64', shape: [] }, { name: 'cond_in', type: 'bool', shape: [] }, { name: 'acc_in', type: 'float32', shape: [1] }],
    outputs: [{ name: 'cond_out', type: 'bool', shape: [1] }, { name: 'acc_out', type: 'float32', shape: [1] }, { name: 'squared', type: 'float32', shape: [1] }],
  });
  const model = buildModel({
    nodes: [{ op: 'Loop', inputs: ['m', 'c', 'acc'], outputs: ['final', 'history'], attributes: { body: attr.graph(body) } }],
    inputs: [
      { name: 'm', type: 'int64', shape: [] }, { name: 'c', type: 'bool', shape: [] }, { name: 'acc', type: 'float32', shape: [1] },
      { name: 'step', type: 'float32', shape: [1] }, { name: 'limit', type: 'float32', shape: [1] },
    ],
    outputs: [{ name: 'final', type: 'float32' }, { name: 'history', type: 'float32' }],
  });
  it.each([[5, 100], [10, 3.5], [1, 100]])('runs up to %i trips, stopping when the sum reaches %f', async (trips, limit) => {
    await expectMatchesOnnxruntime(model, {
      m: new Tensor('int64', BigInt64Array.of(BigInt(trips)), []), c: bool(true),
      acc: new Tensor('float32', Float32Array.of(0.5), [1]), step: new Tensor('float32', Float32Array.of(1.25), [1]),
      limit: new Tensor('float32', Float32Array.of(limit), [1]),
    });
  });
});

describe('Scan', () => {
  const body = graph({
    nodes: [
      { op: 'Add', inputs: ['sum_in', 'row'], outputs: ['sum_out'] },
      { op: 'Mul', inputs: ['sum_out', 'scale'], outputs: ['scaled'] },
    ],
    inputs: [{ name: 'sum_in', type: 'float32', shape: [3] }, { name: 'row', type: 'float32', shape: [3] }],
    outputs: [{ name: 'sum_out', type: 'float32', shape: [3] }, { name: 'scaled', type: 'float32', shape: [3] }],
  });
  for (const [axis, direction, outAxis] of [[0, 0, 0], [1, 1, 0], [0, 1, 1]]) {
    it(`scans axis ${axis}, direction ${direction}, output axis ${outAxis}`, async () => {
      const model = buildModel({
        nodes: [{
          op: 'Scan', inputs: ['init', 'xs'], outputs: ['total', 'steps'],
          attributes: {
            body: attr.graph(body), num_scan_inputs: attr.int(1), scan_input_axes: attr.ints([axis]),
            scan_input_directions: attr.ints([direction]), scan_output_axes: attr.ints([outAxis]),
          },
        }],
        inputs: [{ name: 'init', type: 'float32', shape: [3] }, { name: 'xs', type: 'float32', shape: axis === 0 ? [5, 3] : [3, 5] },
          { name: 'scale', type: 'float32', shape: [1] }],
        outputs: [{ name: 'total', type: 'float32' }, { name: 'steps', type: 'float32' }],
        opsets: { '': 16 },
      });
      const rng = new Rng(8);
      await expectMatchesOnnxruntime(model, {
        init: randomTensor('float32', [3], rng), xs: randomTensor('float32', axis === 0 ? [5, 3] : [3, 5], rng),
        scale: new Tensor('float32', Float32Array.of(0.5), [1]),
      });
    });
  }
});
