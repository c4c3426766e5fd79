/**
 * torchvision MobileNetV2 (width 1.0) as torch.onnx exports it: Conv (no bias) +
 * BatchNormalization + ReLU6 as Clip(0, 6), depthwise convs as group = channels, residual Add
 * where stride 1 keeps the width, then GlobalAveragePool, Flatten, Gemm. 3.5M parameters.
 */
import { GraphBuilder, type Value } from '../graph-builder.js';
import { classifierHead, imageInput, type ImageModelOptions } from './image-classifier.js';

/** torchvision's inverted_residual_setting: expansion t, channels c, repeats n, first stride s. */
const SETTINGS = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
] as const;

/** Damps the linear bottleneck's output where it is added to the shortcut. */
const RESIDUAL_SCALE = { kind: 'uniform', low: 0.2, high: 0.3 } as const;

/** Conv2dNormActivation: Conv, BN and optionally ReLU6, with torchvision's `<i>.0` / `<i>.1` names. */
function convBn(b: GraphBuilder, x: Value, index: string, out: number, kernel: number, stride: number, group: number, relu6: boolean, residual = false): Value {
  return b.scope(index, () => {
    const y = b.scope('0', () => b.conv(x, { out, kernel, stride, pad: (kernel - 1) / 2, group, bias: false }));
    const z = b.scope('1', () => b.batchNorm(y, residual ? { scale: RESIDUAL_SCALE } : {}));
    return relu6 ? b.clip(z, 0, 6) : z;
  });
}

function invertedResidual(b: GraphBuilder, x: Value, expansion: number, out: number, stride: number): Value {
  const inp = x.shape[1];
  const hidden = inp * expansion;
  const residual = stride === 1 && inp === out;
  return b.scope('conv', () => {
    let y = x;
    let i = 0;
    if (expansion !== 1) y = convBn(b, y, `${i++}`, hidden, 1, 1, 1, true);
    y = convBn(b, y, `${i++}`, hidden, 3, stride, hidden, true);
    y = b.scope(`${i}`, () => b.conv(y, { out, kernel: 1, bias: false }));
    y = b.scope(`${i + 1}`, () => b.batchNorm(y, residual ? { scale: RESIDUAL_SCALE } : {}));
    return residual ? b.add(x, y) : y;
  });
}

export function mobilenetV2(o: ImageModelOptions = {}): Uint8Array {
  const b = new GraphBuilder(o.seed ?? 42, 'mobilenet_v2');
  let x = imageInput(b, o);
  let feature = 0;
  b.scope('features', () => {
    x = convBn(b, x, `${feature++}`, 32, 3, 2, 1, true);
    for (const [t, c, n, s] of SETTINGS) {
      for (let i = 0; i < n; i++) x = b.scope(`${feature++}`, () => invertedResidual(b, x, t, c, i === 0 ? s : 1));
    }
    x = convBn(b, x, `${feature}`, 1280, 1, 1, 1, true);
  });
  b.output(classifierHead(b, x, 'classifier.1'), 'output');
  return b.build();
}
