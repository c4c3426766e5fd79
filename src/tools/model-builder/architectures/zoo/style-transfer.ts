/**
 * Fast neural style transfer (pytorch/examples TransformerNet) as torch.onnx exports it at
 * opset 11: reflection padding as Pad with pads as an input and mode 'reflect' before every
 * unpadded conv, InstanceNormalization with affine parameters, five residual blocks, and two
 * up-steps: one ConvTranspose (kernel 3, stride 2, pads 1, output_padding 1, as the original
 * deconvolution layer) and one nearest Resize + reflect Pad + Conv (UpsampleConvLayer).
 * 1.68M parameters.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { withExporterHeader } from './exporter-header.js';

export interface StyleTransferOptions extends ImageModelOptions {
  /** Channels after the stem; doubled twice by the down-steps (32 in the original). */
  readonly width?: number;
}

const NEAR_ONE = { kind: 'uniform', low: 0.9, high: 1.1 } as const;
const NEAR_ZERO = { kind: 'uniform', low: -0.05, high: 0.05 } as const;

function reflectPad(b: GraphBuilder, x: Value, pad: number): Value {
  const [n, c, h, w] = x.shape;
  const pads = b.int64s([0, 0, pad, pad, 0, 0, pad, pad]);
  return b.emit('Pad', [x, pads], [{ type: x.type, shape: [n, c, h + 2 * pad, w + 2 * pad] }], { mode: { s: 'reflect' } })[0];
}

function convLayer(b: GraphBuilder, x: Value, name: string, out: number, kernel: number, stride = 1): Value {
  return b.scope(name, () => b.scope('conv2d', () => b.conv(reflectPad(b, x, Math.floor(kernel / 2)), { out, kernel, stride })));
}

function instanceNorm(b: GraphBuilder, x: Value, name: string): Value {
  return b.scope(name, () => {
    const c = x.shape[1];
    return b.emit('InstanceNormalization', [x, b.parameter('weight', [c], NEAR_ONE), b.parameter('bias', [c], NEAR_ZERO)], [x], { epsilon: { f: 1e-5 } })[0];
  });
}

function residualBlock(b: GraphBuilder, x: Value, name: string): Value {
  return b.scope(name, () => {
    const c = x.shape[1];
    const y = b.relu(instanceNorm(b, convLayer(b, x, 'conv1', c, 3), 'in1'));
    return b.add(instanceNorm(b, convLayer(b, y, 'conv2', c, 3), 'in2'), x);
  });
}

function deconv(b: GraphBuilder, x: Value, name: string, out: number): Value {
  return b.scope(name, () => {
    const [n, c, h, w] = x.shape;
    const weight = b.parameter('weight', [c, out, 3, 3], { kind: 'he', fanIn: c * 9 });
    const bias = b.parameter('bias', [out], NEAR_ZERO);
    return b.emit('ConvTranspose', [x, weight, bias], [{ type: x.type, shape: [n, out, 2 * h, 2 * w] }], {
      dilations: { ints: [1, 1] }, group: { i: 1 }, kernel_shape: { ints: [3, 3] }, output_padding: { ints: [1, 1] },
      pads: { ints: [1, 1, 1, 1] }, strides: { ints: [2, 2] },
    })[0];
  });
}

/** F.interpolate(scale_factor=2) at opset 11: Resize with an empty roi (an input there, not optional). */
function upsample(b: GraphBuilder, x: Value): Value {
  const [n, c, h, w] = x.shape;
  const roi = b.initializer('roi', new DenseTensor('float32', [0], new Float32Array(0)));
  const scales = b.initializer('scales', new DenseTensor('float32', [4], Float32Array.of(1, 1, 2, 2)));
  return b.emit('Resize', [x, roi, scales], [{ type: x.type, shape: [n, c, 2 * h, 2 * w] }], {
    coordinate_transformation_mode: { s: 'asymmetric' }, cubic_coeff_a: { f: -0.75 }, mode: { s: 'nearest' }, nearest_mode: { s: 'floor' },
  })[0];
}

export function styleTransfer(o: StyleTransferOptions = {}): Uint8Array {
  const width = o.width ?? 32;
  const b = new GraphBuilder(o.seed ?? 42, 'transformer_net');
  let x = imageInput(b, o);
  x = b.relu(instanceNorm(b, convLayer(b, x, 'conv1', width, 9), 'in1'));
  x = b.relu(instanceNorm(b, convLayer(b, x, 'conv2', 2 * width, 3, 2), 'in2'));
  x = b.relu(instanceNorm(b, convLayer(b, x, 'conv3', 4 * width, 3, 2), 'in3'));
  for (let i = 1; i <= 5; i++) x = residualBlock(b, x, `res${i}`);
  x = b.relu(instanceNorm(b, deconv(b, x, 'deconv1', 2 * width), 'in4'));
  x = b.relu(instanceNorm(b, convLayer(b, upsample(b, x), 'deconv2', width, 3), 'in5'));
  b.output(convLayer(b, x, 'deconv3', 3, 9), 'output');
  return withExporterHeader(b.build(), { opset: 11, irVersion: 6, producer: 'pytorch', producerVersion: '1.4' });
}
