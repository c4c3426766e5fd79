/**
 * Per-shape caches (broadcast runs, what index kernels derive from constant indices, activation
 * layouts) must follow the shapes of each run: one session fed shapes in turn gives what a fresh
 * session gives for each feed, and what onnxruntime gives (the caches are shared by sessions).
 */
import { describe, expect, it } from 'vitest';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../support/differential.js';
import { InferenceSession, type Tensor } from '../../src/index.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { buildModel, attr } from '../support/model-builder.js';
import { randomTensor, Rng } from '../support/random.js';

const int64 = (values: number[]) => new DenseTensor('int64', [values.length], BigInt64Array.from(values.map(BigInt)));

// y = Concat(Slice(Gather(x + b, idx, axis 1) * x[:, 0:1], ...), Transpose(...)): broadcasting, constant
// indices, strided copies and a concat, all at the shape of the feed.
const model = buildModel({
  nodes: [
    { op: 'Add', inputs: ['x', 'b'], outputs: ['sum'] },
    { op: 'Gather', inputs: ['sum', 'idx'], outputs: ['picked'], attributes: { axis: attr.int(1) } },
    { op: 'Slice', inputs: ['x', 'zero', 'one', 'one'], outputs: ['first'] },
    { op: 'Mul', inputs: ['picked', 'first'], outputs: ['scaled'] },
    { op: 'Slice', inputs: ['scaled', 'zero', 'minusOne', 'two'], outputs: ['cut'] },
    { op: 'Transpose', inputs: ['cut'], outputs: ['turned'], attributes: { perm: attr.ints([0, 2, 1]) } },
    { op: 'Transpose', inputs: ['turned'], outputs: ['back'], attributes: { perm: attr.ints([0, 2, 1]) } },
    { op: 'Concat', inputs: ['back', 'cut', 'scaled'], outputs: ['y'], attributes: { axis: attr.int(2) } },
  ],
  inputs: [{ name: 'x', type: 'float32', shape: ['n', 'c', 'w'] }],
  outputs: [{ name: 'y', type: 'float32' }],
  initializers: {
    b: new DenseTensor('float32', [1, 1], Float32Array.from([0.5])),
    idx: int64([0, -1, 1, 0, 2]),
    zero: int64([0]),
    one: int64([1]),
    two: int64([2]),
    minusOne: int64([-1]),
  },
  opsets: { '': 17 },
});

const SHAPES = [[2, 3, 5], [1, 7, 4], [3, 3, 9], [2, 3, 5], [1, 5, 1], [1, 7, 4], [2, 4, 0]];

describe('one session fed changing shapes', () => {
  it('matches a fresh session and onnxruntime for every feed, shapes alternating', async () => {
    const rng = new Rng(3);
    const session = await InferenceSession.create(model);
    for (let round = 0; round < 3; round++) {
      for (const shape of SHAPES) {
        const x = randomTensor('float32', shape, rng);
        const ours = (await session.run({ x })) as Record<string, Tensor>;
        const fresh = (await (await InferenceSession.create(model)).run({ x })) as Record<string, Tensor>;
        expect(ours.y.dims, `shape [${shape}]`).toEqual(fresh.y.dims);
        expect(Array.from(ours.y.data as Float32Array), `shape [${shape}] round ${round}`).toEqual(Array.from(fresh.y.data as Float32Array));
        const theirs = await runOnnxruntime(model, { x });
        expectTensorsClose(ours.y, theirs.y, FLOAT32_TOLERANCE, `shape [${shape}] round ${round}`);
      }
    }
  });
});

describe('a long run of small nodes', () => {
  // Dozens of arena allocations freed within one run (ArenaMemory marks them gone and compacts
  // its list now and then), Split's outputs sharing their input's storage among them.
  const nodes = [];
  let prev = 'x';
  for (let i = 0; i < 40; i++) {
    nodes.push({ op: 'Split', inputs: [prev], outputs: [`a${i}`, `b${i}`], attributes: { axis: attr.int(1), num_outputs: attr.int(2) } });
    nodes.push({ op: 'Add', inputs: [`a${i}`, 'bias'], outputs: [`s${i}`] });
    nodes.push({ op: i % 2 ? 'Mul' : 'Sub', inputs: [`s${i}`, `b${i}`], outputs: [`m${i}`] });
    nodes.push({ op: 'Concat', inputs: [`m${i}`, `a${i}`], outputs: [`c${i}`], attributes: { axis: attr.int(1) } });
    nodes.push({ op: 'Tanh', inputs: [`c${i}`], outputs: [`t${i}`] });
    prev = `t${i}`;
  }
  const chain = buildModel({
    nodes,
    inputs: [{ name: 'x', type: 'float32', shape: ['n', 6, 'w'] }],
    outputs: [{ name: prev, type: 'float32' }],
    initializers: { bias: new DenseTensor('float32', [3, 1], Float32Array.from([0.25, -0.5, 0.125])) },
    opsets: { '': 18 },
  });

  it('matches onnxruntime run after run, at changing shapes', async () => {
    const rng = new Rng(9);
    const session = await InferenceSession.create(chain);
    for (const shape of [[2, 6, 5], [2, 6, 5], [1, 6, 7], [2, 6, 5], [3, 6, 1]]) {
      const x = randomTensor('float32', shape, rng);
      const ours = (await session.run({ x })) as Record<string, Tensor>;
      const theirs = await runOnnxruntime(chain, { x });
      expectTensorsClose(ours[prev], theirs[prev], FLOAT32_TOLERANCE, `chain at [${shape}]`);
    }
  });
});
