/**
 * torchvision EfficientNet-B0 as torch.onnx (opset 17) exports it: SiLU as x * Sigmoid(x),
 * MBConv blocks with depthwise 3x3 and 5x5 convs and squeeze-excitation (GlobalAveragePool,
 * 1x1 Conv, SiLU, 1x1 Conv, Sigmoid, Mul), residual Add where the block keeps its shape, and a
 * GlobalAveragePool, Flatten, Gemm head (Dropout is gone at eval). 5.29M parameters.
 */
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { classifierHead, imageInput, type ImageModelOptions } from '../image-classifier.js';

/** expand ratio, kernel, first stride, output channels, repeats (torchvision's b0 settings). */
const STAGES = [
  [1, 3, 1, 16, 1], [6, 3, 2, 24, 2], [6, 5, 2, 40, 2], [6, 3, 2, 80, 3], [6, 5, 1, 112, 3], [6, 5, 2, 192, 4], [6, 3, 1, 320, 1],
] as const;

const RESIDUAL_SCALE = { kind: 'uniform', low: 0.2, high: 0.3 } as const;

function convBnSilu(b: GraphBuilder, x: Value, out: number, kernel: number, stride: number, group: number, activation = true, residual = false): Value {
  const y = b.scope('0', () => b.conv(x, { out, kernel, stride, pad: (kernel - 1) / 2, group, bias: false }));
  const z = b.scope('1', () => b.batchNorm(y, residual ? { scale: RESIDUAL_SCALE } : {}));
  return activation ? b.silu(z) : z;
}

function squeezeExcitation(b: GraphBuilder, x: Value, squeeze: number): Value {
  const pooled = b.globalAveragePool(x);
  const reduced = b.silu(b.scope('fc1', () => b.conv(pooled, { out: squeeze, kernel: 1 })));
  const gate = b.sigmoid(b.scope('fc2', () => b.conv(reduced, { out: x.shape[1], kernel: 1 })));
  return b.mul(gate, x);
}

function mbConv(b: GraphBuilder, x: Value, expand: number, kernel: number, stride: number, out: number): Value {
  const inp = x.shape[1];
  const hidden = inp * expand;
  const residual = stride === 1 && inp === out;
  return b.scope('block', () => {
    let i = 0;
    let y = x;
    if (expand !== 1) y = b.scope(`${i++}`, () => convBnSilu(b, y, hidden, 1, 1, 1));
    y = b.scope(`${i++}`, () => convBnSilu(b, y, hidden, kernel, stride, hidden));
    y = b.scope(`${i++}`, () => squeezeExcitation(b, y, Math.max(1, Math.floor(inp / 4))));
    y = b.scope(`${i}`, () => convBnSilu(b, y, out, 1, 1, 1, false, residual));
    return residual ? b.add(y, x) : y;
  });
}

export function efficientnetB0(o: ImageModelOptions = {}): Uint8Array {
  const b = new GraphBuilder(o.seed ?? 42, 'efficientnet_b0');
  let x = imageInput(b, o);
  b.scope('features', () => {
    x = b.scope('0', () => convBnSilu(b, x, 32, 3, 2, 1));
    STAGES.forEach(([expand, kernel, stride, out, repeats], stage) => {
      b.scope(`${stage + 1}`, () => {
        for (let i = 0; i < repeats; i++) x = b.scope(`${i}`, () => mbConv(b, x, expand, kernel, i === 0 ? stride : 1, out));
      });
    });
    x = b.scope('8', () => convBnSilu(b, x, 1280, 1, 1, 1));
  });
  b.output(classifierHead(b, x, 'classifier.1'), 'output');
  return b.build();
}
