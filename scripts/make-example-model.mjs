// Writes examples/tiny-cnn.onnx (a small digit-classifier-shaped CNN with seeded weights) and
// examples/digit-7.json (an 8x8 input). Run after `npm run build`; the outputs are committed.
import { writeFileSync } from 'node:fs';
import { encodeModelProto } from '../dist/onnx/encode.js';
import { tensorToProto } from '../dist/onnx/tensor-to-proto.js';
import { DenseTensor } from '../dist/tensor/dense-tensor.js';

let state = 42;
function uniform(scale) {
  state = (Math.imul(1103515245, state) + 12345) >>> 0;
  return ((state >>> 1) / 2 ** 31 * 2 - 1) * scale;
}
const weights = (dims, scale) => new DenseTensor('float32', dims, Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => uniform(scale)));
const ints = (values) => ({ type: 7, ints: values });
const tensorValue = (name, dims) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } });

const initializers = {
  conv_w: weights([4, 1, 3, 3], 0.5),
  conv_b: weights([4], 0.1),
  fc_w: weights([64, 10], 0.3),
  fc_b: weights([10], 0.1),
};

const model = {
  ir_version: 8,
  producer_name: 'onnxts-example',
  opset_import: [{ domain: '', version: 17 }],
  graph: {
    name: 'tiny_cnn',
    node: [
      { op_type: 'Conv', name: 'conv', input: ['input', 'conv_w', 'conv_b'], output: ['conv_out'], attribute: [{ name: 'pads', ...ints([1, 1, 1, 1]) }, { name: 'kernel_shape', ...ints([3, 3]) }] },
      { op_type: 'Relu', name: 'relu', input: ['conv_out'], output: ['relu_out'] },
      { op_type: 'MaxPool', name: 'pool', input: ['relu_out'], output: ['pool_out'], attribute: [{ name: 'kernel_shape', ...ints([2, 2]) }, { name: 'strides', ...ints([2, 2]) }] },
      { op_type: 'Flatten', name: 'flatten', input: ['pool_out'], output: ['features'] },
      { op_type: 'Gemm', name: 'classifier', input: ['features', 'fc_w', 'fc_b'], output: ['logits'] },
      { op_type: 'Softmax', name: 'softmax', input: ['logits'], output: ['probabilities'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
    ],
    input: [tensorValue('input', ['batch', 1, 8, 8])],
    output: [tensorValue('probabilities', ['batch', 10])],
    initializer: Object.entries(initializers).map(([name, t]) => tensorToProto(t, name)),
  },
};

writeFileSync(new URL('../examples/tiny-cnn.onnx', import.meta.url), encodeModelProto(model));

const seven = [
  '........', '.######.', '......#.', '.....#..', '....#...', '...#....', '..#.....', '........',
].flatMap((row) => [...row].map((c) => (c === '#' ? 1 : 0)));
writeFileSync(new URL('../examples/digit-7.json', import.meta.url), JSON.stringify({ type: 'float32', dims: [1, 1, 8, 8], data: seven }) + '\n');
