/**
 * Recurrent outputs and scratch in the run's activation arena: the arena is not zeroed between
 * runs, so a Y that another node reads (and so lies in the arena) must still hold zeros past each
 * batch entry's sequence length, run after run, with inputs that change between runs.
 */
import { describe, it } from 'vitest';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { buildModel, attr } from '../../support/model-builder.js';
import { expectTensorsClose, runOnnxruntime } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';

describe.each([['LSTM', 4], ['GRU', 3], ['RNN', 1]] as const)('%s outputs read by another node', (op, gates) => {
  it('match onnxruntime over repeated runs with changing lengths (odd sizes, bidirectional)', async () => {
    // Y and the final states past the size the arena takes (1024 elements).
    const [seq, batch, input, hidden] = [5, 8, 7, 67];
    const rng = new Rng(900 + gates);
    const initializers = {
      W: randomDense('float32', [2, gates * hidden, input], rng, -0.5, 0.5),
      R: randomDense('float32', [2, gates * hidden, hidden], rng, -0.5, 0.5),
      B: randomDense('float32', [2, 2 * gates * hidden], rng, -0.5, 0.5),
    };
    const model = buildModel({
      nodes: [
        { op, inputs: ['X', 'W', 'R', 'B', 'lens'], outputs: ['Y', 'Y_h'], attributes: { hidden_size: attr.int(hidden), direction: attr.string('bidirectional') } },
        { op: 'Add', inputs: ['Y', 'Y'], outputs: ['Y2'] },
        { op: 'Add', inputs: ['Y_h', 'Y_h'], outputs: ['Y_h2'] },
      ],
      inputs: [{ name: 'X', type: 'float32', shape: [seq, batch, input] }, { name: 'lens', type: 'int32', shape: [batch] }],
      outputs: [{ name: 'Y2', type: 'float32' }, { name: 'Y_h2', type: 'float32' }],
      initializers,
      opsets: { '': 14 },
    });
    const session = await InferenceSession.create(model);
    for (const lengths of [[5, 5, 5, 5, 5, 5, 5, 5], [2, 5, 1, 3, 5, 4, 1, 2], [5, 3, 4, 0, 5, 2, 1, 5], [1, 1, 1, 1, 1, 1, 1, 1]]) {
      const feeds = { X: randomTensor('float32', [seq, batch, input], rng, -2, 2), lens: new Tensor('int32', Int32Array.from(lengths), [batch]) };
      const ours = await session.run(feeds);
      const theirs = await runOnnxruntime(model, feeds);
      for (const name of ['Y2', 'Y_h2']) {
        expectTensorsClose(ours[name] as Tensor, theirs[name], { rtol: 1e-4, atol: 1e-5 }, `${op} ${name} lengths [${lengths.join(',')}]`);
      }
    }
  });
});
