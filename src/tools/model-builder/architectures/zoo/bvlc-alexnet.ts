/**
 * BVLC AlexNet as the ONNX model zoo ships it (converted from Caffe, opset 8, IR 3): grouped
 * convolutions, LRN after the first two, a Reshape whose target is an initializer input, Gemm
 * layers with a broadcast bias, Dropout with its ratio as an attribute (and its mask output),
 * and a final Softmax with the pre-opset-13 coerce-to-2D semantics. Every initializer is also a
 * graph input, as IR 3 required. 61M parameters at full width (224x224, conv1 padded by 2).
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { withExporterHeader } from './exporter-header.js';
import { dropoutWithRatio, lrn, legacyMaxPool } from './exporter-patterns.js';

export interface AlexNetOptions extends ImageModelOptions {
  /** conv1..conv5 output channels, then the two hidden fully-connected widths. */
  readonly widths?: readonly [number, number, number, number, number, number];
}

function convRelu(b: GraphBuilder, x: Value, name: string, out: number, kernel: number, stride: number, pad: number, group: number): Value {
  return b.relu(b.scope(name, () => b.conv(x, { out, kernel, stride, pad, group })));
}

export function bvlcAlexnet(o: AlexNetOptions = {}): Uint8Array {
  const [c1, c2, c3, c4, c5, fc] = o.widths ?? [96, 256, 384, 384, 256, 4096];
  const b = new GraphBuilder(o.seed ?? 42, 'bvlc_alexnet');
  let x = imageInput(b, o);
  x = legacyMaxPool(b, lrn(b, convRelu(b, x, 'conv1', c1, 11, 4, 2, 1), 5), 3, 2);
  x = legacyMaxPool(b, lrn(b, convRelu(b, x, 'conv2', c2, 5, 1, 2, 2), 5), 3, 2);
  x = convRelu(b, x, 'conv3', c3, 3, 1, 1, 1);
  x = convRelu(b, x, 'conv4', c4, 3, 1, 1, 2);
  x = legacyMaxPool(b, convRelu(b, x, 'conv5', c5, 3, 1, 1, 2), 3, 2);
  const flat = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const target = b.initializer('OC2_DUMMY_1', new DenseTensor('int64', [2], BigInt64Array.of(1n, BigInt(-1))));
  x = b.emit('Reshape', [x, target], [{ type: x.type, shape: [x.shape[0], flat] }])[0];
  x = dropoutWithRatio(b, b.relu(b.scope('fc6', () => b.gemm(x, fc))), 0.5, true);
  x = dropoutWithRatio(b, b.relu(b.scope('fc7', () => b.gemm(x, fc))), 0.5);
  x = b.scope('fc8', () => b.gemm(x, 1000));
  b.output(b.softmax(x, 1), 'prob_1');
  return withExporterHeader(b.build(), { opset: 8, irVersion: 3, producer: 'onnx-caffe2' });
}
