/**
 * Keras MobileNetV2 as tf2onnx (opset 13) converts it: an NHWC input moved to NCHW by one
 * Transpose (tf2onnx's transpose optimizer pushes the layout changes to the graph's edges),
 * BatchNormalization already folded into conv weights and biases, ReLU6 as Clip with min and max
 * inputs, Keras' ZeroPadding2D((0, 1), (0, 1)) before each stride-2 depthwise conv merged into
 * the conv as asymmetric pads [0, 0, 1, 1], residual Add, the pooled features taken by
 * ReduceMean over H and W, the Dense layer as MatMul + Add, Softmax, and an Identity naming the
 * output. 3.5M parameters at alpha 1.0.
 */
import { GraphBuilder, type Value } from '../../graph-builder.js';
import type { InputRecipe } from '../../input-recipe.js';
import { withExporterHeader } from './exporter-header.js';
import { reduceMean } from './exporter-patterns.js';

export interface Tf2onnxMobileNetOptions {
  readonly seed?: number;
  readonly imageSize?: number;
  /** Keras' width multiplier alpha. */
  readonly alpha?: number;
}

const SETTINGS = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
] as const;

/** Folded BatchNormalization leaves weights a little smaller than the He bound. */
function foldedConv(b: GraphBuilder, x: Value, out: number, kernel: number, stride: number, group: number, pads: readonly number[]): Value {
  const [n, c, h, w] = x.shape;
  const fanIn = (c / group) * kernel * kernel;
  const weight = b.parameter('kernel', [out, c / group, kernel, kernel], { kind: 'he', fanIn: fanIn * 1.5 });
  const bias = b.parameter('bias', [out], { kind: 'uniform', low: -0.1, high: 0.1 });
  const outH = Math.floor((h + pads[0] + pads[2] - kernel) / stride) + 1;
  const outW = Math.floor((w + pads[1] + pads[3] - kernel) / stride) + 1;
  return b.emit('Conv', [x, weight, bias], [{ type: x.type, shape: [n, out, outH, outW] }], {
    dilations: { ints: [1, 1] }, group: { i: group }, kernel_shape: { ints: [kernel, kernel] }, pads: { ints: pads }, strides: { ints: [stride, stride] },
  })[0];
}

function relu6(b: GraphBuilder, x: Value): Value {
  return b.emit('Clip', [x, b.scalar(0), b.scalar(6)], [x])[0];
}

/** Keras' SAME padding for a stride-1 3x3 is symmetric; the stride-2 blocks pad only the end. */
function padsFor(stride: number, kernel: number): number[] {
  if (kernel === 1) return [0, 0, 0, 0];
  return stride === 2 ? [0, 0, 1, 1] : [1, 1, 1, 1];
}

function block(b: GraphBuilder, x: Value, expansion: number, out: number, stride: number, index: number): Value {
  const inp = x.shape[1];
  return b.scope(`block_${index}`, () => {
    let y = x;
    if (expansion !== 1) y = relu6(b, b.scope('expand', () => foldedConv(b, y, inp * expansion, 1, 1, 1, padsFor(1, 1))));
    const channels = y.shape[1];
    y = relu6(b, b.scope('depthwise', () => foldedConv(b, y, channels, 3, stride, channels, padsFor(stride, 3))));
    y = b.scope('project', () => foldedConv(b, y, out, 1, 1, 1, padsFor(1, 1)));
    return stride === 1 && inp === out ? b.add(x, y) : y;
  });
}

export function tf2onnxMobilenetV2(o: Tf2onnxMobileNetOptions = {}): Uint8Array {
  const size = o.imageSize ?? 224;
  const alpha = o.alpha ?? 1;
  const width = (c: number) => Math.max(8, Math.round((c * alpha) / 8) * 8);
  const b = new GraphBuilder(o.seed ?? 42, 'tf2onnx');
  let x = b.transpose(b.input('input_1', 'float32', [1, size, size, 3]), [0, 3, 1, 2]);
  x = relu6(b, b.scope('Conv1', () => foldedConv(b, x, width(32), 3, 2, 1, padsFor(2, 3))));
  let index = 0;
  for (const [t, c, n, s] of SETTINGS) {
    for (let i = 0; i < n; i++) x = block(b, x, t, width(c), i === 0 ? s : 1, index++);
  }
  x = relu6(b, b.scope('Conv_1', () => foldedConv(b, x, alpha > 1 ? width(1280) : 1280, 1, 1, 1, padsFor(1, 1))));
  const pooled = reduceMean(b, x, [2, 3], false);
  const logits = b.scope('predictions', () => b.linear(pooled, 1000));
  const probabilities = b.emit('Identity', [b.softmax(logits, -1)], [logits])[0];
  b.output(probabilities, 'predictions');
  return withExporterHeader(b.build(), { opset: 13, irVersion: 7, producer: 'tf2onnx', producerVersion: '1.9.3' });
}

export function tf2onnxMobilenetRecipe(o: Tf2onnxMobileNetOptions = {}): InputRecipe[] {
  const size = o.imageSize ?? 224;
  return [{ name: 'input_1', type: 'float32', shape: [1, size, size, 3], fill: { kind: 'uniform', low: -1, high: 1 } }];
}
