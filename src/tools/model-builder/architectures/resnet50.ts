/**
 * torchvision ResNet-50 (v1.5: stride on the 3x3 conv) as torch.onnx exports it in eval mode:
 * Conv without bias then BatchNormalization, MaxPool, GlobalAveragePool, Flatten, Gemm.
 * 25.6M parameters.
 */
import { GraphBuilder, type Value } from '../graph-builder.js';
import { classifierHead, imageInput, type ImageModelOptions } from './image-classifier.js';

const STAGES = [
  { width: 64, blocks: 3, stride: 1 },
  { width: 128, blocks: 4, stride: 2 },
  { width: 256, blocks: 6, stride: 2 },
  { width: 512, blocks: 3, stride: 2 },
];

/** Damps each residual branch (the last BN's scale) so the sum over 16 blocks stays in range. */
const RESIDUAL_SCALE = { kind: 'uniform', low: 0.2, high: 0.3 } as const;

function convBn(b: GraphBuilder, x: Value, name: string, out: number, kernel: number, stride: number, residual = false): Value {
  const y = b.scope(name, () => b.conv(x, { out, kernel, stride, pad: (kernel - 1) / 2, bias: false }));
  return b.scope(name.replace('conv', 'bn'), () => b.batchNorm(y, residual ? { scale: RESIDUAL_SCALE } : {}));
}

function bottleneck(b: GraphBuilder, x: Value, width: number, stride: number): Value {
  const out = width * 4;
  let y = b.relu(convBn(b, x, 'conv1', width, 1, 1));
  y = b.relu(convBn(b, y, 'conv2', width, 3, stride));
  y = convBn(b, y, 'conv3', out, 1, 1, true);
  const shortcut = stride !== 1 || x.shape[1] !== out
    ? b.scope('downsample', () => {
      const projected = b.scope('0', () => b.conv(x, { out, kernel: 1, stride, bias: false }));
      return b.scope('1', () => b.batchNorm(projected));
    })
    : x;
  return b.relu(b.add(y, shortcut));
}

export function resnet50(o: ImageModelOptions = {}): Uint8Array {
  const b = new GraphBuilder(o.seed ?? 42, 'resnet50');
  let x = imageInput(b, o);
  x = b.relu(convBn(b, x, 'conv1', 64, 7, 2));
  x = b.maxPool(x, { kernel: 3, stride: 2, pad: 1 });
  STAGES.forEach((stage, s) => {
    b.scope(`layer${s + 1}`, () => {
      for (let i = 0; i < stage.blocks; i++) x = b.scope(`${i}`, () => bottleneck(b, x, stage.width, i === 0 ? stage.stride : 1));
    });
  });
  b.output(classifierHead(b, x, 'fc'), 'output');
  return b.build();
}
