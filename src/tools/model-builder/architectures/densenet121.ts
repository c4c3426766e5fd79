/**
 * torchvision DenseNet-121 as torch.onnx exports it: every dense layer concatenates all earlier
 * feature maps (one Concat per layer), then BN-ReLU-Conv1x1-BN-ReLU-Conv3x3; transitions are
 * BN-ReLU-Conv1x1-AveragePool. Growth 32, blocks (6, 12, 24, 16). 8.0M parameters.
 */
import { GraphBuilder, type Value } from '../graph-builder.js';
import { classifierHead, imageInput, type ImageModelOptions } from './image-classifier.js';

const BLOCKS = [6, 12, 24, 16];
const GROWTH = 32;
const BOTTLENECK = 4 * GROWTH;

function bnReluConv(b: GraphBuilder, x: Value, index: number, out: number, kernel: number): Value {
  const normed = b.relu(b.scope(`norm${index}`, () => b.batchNorm(x)));
  return b.scope(`conv${index}`, () => b.conv(normed, { out, kernel, pad: (kernel - 1) / 2, bias: false }));
}

function denseBlock(b: GraphBuilder, x: Value, layers: number): Value {
  const features = [x];
  for (let i = 1; i <= layers; i++) {
    const grown = b.scope(`denselayer${i}`, () => {
      const joined = features.length === 1 ? features[0] : b.concat(features, 1);
      return bnReluConv(b, bnReluConv(b, joined, 1, BOTTLENECK, 1), 2, GROWTH, 3);
    });
    features.push(grown);
  }
  return b.concat(features, 1);
}

function transition(b: GraphBuilder, x: Value): Value {
  const normed = b.relu(b.scope('norm', () => b.batchNorm(x)));
  const reduced = b.scope('conv', () => b.conv(normed, { out: x.shape[1] / 2, kernel: 1, bias: false }));
  return b.averagePool(reduced, { kernel: 2, stride: 2 });
}

export function densenet121(o: ImageModelOptions = {}): Uint8Array {
  const b = new GraphBuilder(o.seed ?? 42, 'densenet121');
  let x = imageInput(b, o);
  b.scope('features', () => {
    x = b.scope('conv0', () => b.conv(x, { out: 64, kernel: 7, stride: 2, pad: 3, bias: false }));
    x = b.relu(b.scope('norm0', () => b.batchNorm(x)));
    x = b.maxPool(x, { kernel: 3, stride: 2, pad: 1 });
    BLOCKS.forEach((layers, i) => {
      x = b.scope(`denseblock${i + 1}`, () => denseBlock(b, x, layers));
      if (i < BLOCKS.length - 1) x = b.scope(`transition${i + 1}`, () => transition(b, x));
    });
    x = b.scope('norm5', () => b.batchNorm(x));
  });
  b.output(classifierHead(b, b.relu(x), 'classifier'), 'output');
  return b.build();
}
