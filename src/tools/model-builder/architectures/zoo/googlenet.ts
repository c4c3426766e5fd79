/**
 * torchvision GoogLeNet (Inception v1, pretrained configuration) as torch.onnx (opset 17)
 * exports it: transform_input re-normalizes each channel (Gather, Unsqueeze, Mul, Add,
 * Concat), BasicConv2d is Conv + BatchNormalization (eps 1e-3) + ReLU, max pools run with
 * ceil_mode (and pad 1 inside the pool branch), and each inception block concatenates four
 * branches. The auxiliary classifiers are gone at eval. 6.6M parameters.
 */
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { dropout } from './exporter-patterns.js';

/** Per block: 1x1, 3x3 reduce, 3x3, "5x5" reduce, "5x5" (torchvision uses 3x3 here), pool proj. */
const BLOCKS: Record<string, readonly number[]> = {
  inception3a: [64, 96, 128, 16, 32, 32], inception3b: [128, 128, 192, 32, 96, 64],
  inception4a: [192, 96, 208, 16, 48, 64], inception4b: [160, 112, 224, 24, 64, 64], inception4c: [128, 128, 256, 24, 64, 64],
  inception4d: [112, 144, 288, 32, 64, 64], inception4e: [256, 160, 320, 32, 128, 128],
  inception5a: [256, 160, 320, 32, 128, 128], inception5b: [384, 192, 384, 48, 128, 128],
};

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

function basicConv(b: GraphBuilder, x: Value, name: string, out: number, kernel: number, stride = 1): Value {
  return b.scope(name, () => {
    const y = b.scope('conv', () => b.conv(x, { out, kernel, stride, pad: Math.floor(kernel / 2), bias: false }));
    return b.relu(b.scope('bn', () => b.batchNorm(y, { epsilon: 1e-3 })));
  });
}

function transformInput(b: GraphBuilder, x: Value): Value {
  const channels = IMAGENET_MEAN.map((mean, c) => {
    const channel = b.unsqueeze(b.gather(x, c, 1), [1]);
    return b.add(b.mul(channel, IMAGENET_STD[c] / 0.5), (mean - 0.5) / 0.5);
  });
  return b.concat(channels, 1);
}

function inception(b: GraphBuilder, x: Value, name: string): Value {
  const [c1, r3, c3, r5, c5, pool] = BLOCKS[name];
  return b.scope(name, () => {
    const branch1 = basicConv(b, x, 'branch1', c1, 1);
    const branch2 = b.scope('branch2', () => basicConv(b, basicConv(b, x, '0', r3, 1), '1', c3, 3));
    const branch3 = b.scope('branch3', () => basicConv(b, basicConv(b, x, '0', r5, 1), '1', c5, 3));
    const pooled = b.maxPool(x, { kernel: 3, stride: 1, pad: 1, ceil: true });
    const branch4 = b.scope('branch4', () => basicConv(b, pooled, '1', pool, 1));
    return b.concat([branch1, branch2, branch3, branch4], 1);
  });
}

export function googlenet(o: ImageModelOptions = {}): Uint8Array {
  const b = new GraphBuilder(o.seed ?? 42, 'googlenet');
  let x = transformInput(b, imageInput(b, o));
  x = b.maxPool(basicConv(b, x, 'conv1', 64, 7, 2), { kernel: 3, stride: 2, ceil: true });
  x = basicConv(b, basicConv(b, x, 'conv2', 64, 1), 'conv3', 192, 3);
  x = b.maxPool(x, { kernel: 3, stride: 2, ceil: true });
  x = inception(b, inception(b, x, 'inception3a'), 'inception3b');
  x = b.maxPool(x, { kernel: 3, stride: 2, ceil: true });
  for (const name of ['inception4a', 'inception4b', 'inception4c', 'inception4d', 'inception4e']) x = inception(b, x, name);
  x = b.maxPool(x, { kernel: 2, stride: 2, ceil: true });
  x = inception(b, inception(b, x, 'inception5a'), 'inception5b');
  const pooled = dropout(b, b.flatten(b.globalAveragePool(x), 1));
  b.output(b.scope('fc', () => b.gemm(pooled, 1000)), 'output');
  return b.build();
}
