/**
 * torchvision ShuffleNetV2 as torch.onnx (opset 17) exports it: stride-2 units run two
 * branches, stride-1 units Split the channels in half and run one, and every unit ends in the
 * channel shuffle (Reshape to groups, Transpose, Reshape back). The head averages with
 * ReduceMean over H and W (`x.mean([2, 3])`) instead of pooling, then Gemm. Width x0.5 by
 * default (1.37M parameters; x1.0 is 2.28M).
 */
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { reduceMean } from './exporter-patterns.js';

export interface ShuffleNetOptions extends ImageModelOptions {
  /** Output channels of the three stages and of conv5; torchvision's x0.5 by default. */
  readonly stageChannels?: readonly [number, number, number, number];
}

const REPEATS = [4, 8, 4];

function convBnRelu(b: GraphBuilder, x: Value, index: number, out: number, kernel: number, stride: number, group: number, relu: boolean): Value {
  const y = b.scope(`${index}`, () => b.conv(x, { out, kernel, stride, pad: (kernel - 1) / 2, group, bias: false }));
  const z = b.scope(`${index + 1}`, () => b.batchNorm(y));
  return relu ? b.relu(z) : z;
}

function channelShuffle(b: GraphBuilder, x: Value): Value {
  const [n, c, h, w] = x.shape;
  const grouped = b.reshape(x, [n, 2, c / 2, h, w]);
  return b.reshape(b.transpose(grouped, [0, 2, 1, 3, 4]), [n, c, h, w]);
}

/** branch2: 1x1 + ReLU, depthwise 3x3, 1x1 + ReLU. */
function mainBranch(b: GraphBuilder, x: Value, out: number, stride: number): Value {
  return b.scope('branch2', () => {
    const y = convBnRelu(b, x, 0, out, 1, 1, 1, true);
    const z = convBnRelu(b, y, 3, out, 3, stride, out, false);
    return convBnRelu(b, z, 5, out, 1, 1, 1, true);
  });
}

function unit(b: GraphBuilder, x: Value, out: number, stride: number): Value {
  const half = out / 2;
  if (stride === 1) {
    const [kept, processed] = b.split(x, [x.shape[1] / 2, x.shape[1] / 2], 1);
    return channelShuffle(b, b.concat([kept, mainBranch(b, processed, half, 1)], 1));
  }
  const shortcut = b.scope('branch1', () => {
    const y = convBnRelu(b, x, 0, x.shape[1], 3, stride, x.shape[1], false);
    return convBnRelu(b, y, 2, half, 1, 1, 1, true);
  });
  return channelShuffle(b, b.concat([shortcut, mainBranch(b, x, half, stride)], 1));
}

export function shufflenetV2(o: ShuffleNetOptions = {}): Uint8Array {
  const [s2, s3, s4, last] = o.stageChannels ?? [48, 96, 192, 1024];
  const b = new GraphBuilder(o.seed ?? 42, 'shufflenet_v2');
  let x = imageInput(b, o);
  x = b.scope('conv1', () => b.relu(convBnRelu(b, x, 0, 24, 3, 2, 1, false)));
  x = b.maxPool(x, { kernel: 3, stride: 2, pad: 1 });
  [s2, s3, s4].forEach((channels, stage) => {
    b.scope(`stage${stage + 2}`, () => {
      for (let i = 0; i < REPEATS[stage]; i++) x = b.scope(`${i}`, () => unit(b, x, channels, i === 0 ? 2 : 1));
    });
  });
  x = b.scope('conv5', () => convBnRelu(b, x, 0, last, 1, 1, 1, true));
  const pooled = reduceMean(b, x, [2, 3], false);
  b.output(b.scope('fc', () => b.gemm(pooled, 1000)), 'output');
  return b.build();
}
