/** Small models for the API tests, made with the test model builder. */
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { buildModel } from '../support/model-builder.js';

/** y = relu(x * w + b) over [batch, 4]; w and b are initializers. */
export function affineReluModel(): Uint8Array {
  return buildModel({
    nodes: [
      { op: 'Mul', inputs: ['x', 'w'], outputs: ['xw'], name: 'scale' },
      { op: 'Add', inputs: ['xw', 'b'], outputs: ['pre'], name: 'shift' },
      { op: 'Relu', inputs: ['pre'], outputs: ['y'], name: 'relu' },
      { op: 'Neg', inputs: ['pre'], outputs: ['z'], name: 'negate' },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', 4] }, { name: 'z', type: 'float32', shape: ['batch', 4] }],
    initializers: {
      w: new DenseTensor('float32', [4], new Float32Array([1, -2, 0.5, 3])),
      b: new DenseTensor('float32', [4], new Float32Array([0.25, 0.5, -1, 0])),
    },
    opsets: { '': 13 },
  });
}

export function affineReluReference(x: Float32Array): { y: Float32Array; z: Float32Array } {
  const w = [1, -2, 0.5, 3];
  const b = [0.25, 0.5, -1, 0];
  const y = new Float32Array(x.length);
  const z = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const pre = Math.fround(Math.fround(x[i] * w[i % 4]) + b[i % 4]);
    y[i] = Math.max(0, pre);
    z[i] = -pre;
  }
  return { y, z };
}

/** Two inputs of fixed shape and different types: a [2,3] float32 and an int64 [3]. */
export function twoInputModel(): Uint8Array {
  return buildModel({
    nodes: [
      { op: 'Abs', inputs: ['a'], outputs: ['abs_a'] },
      { op: 'Neg', inputs: ['n'], outputs: ['neg_n'] },
    ],
    inputs: [{ name: 'a', type: 'float32', shape: [2, 3] }, { name: 'n', type: 'int64', shape: [3] }],
    outputs: [{ name: 'abs_a', type: 'float32', shape: [2, 3] }, { name: 'neg_n', type: 'int64', shape: [3] }],
    opsets: { '': 13 },
  });
}

/** An initializer also listed as a graph input: an input with a default value. */
export function overridableInitializerModel(): Uint8Array {
  return buildModel({
    nodes: [{ op: 'Add', inputs: ['x', 'bias'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: 'float32', shape: [2] }, { name: 'bias', type: 'float32', shape: [2] }],
    outputs: [{ name: 'y', type: 'float32', shape: [2] }],
    initializers: { bias: new DenseTensor('float32', [2], new Float32Array([10, 20])) },
    irVersion: 8,
    opsets: { '': 13 },
  });
}
