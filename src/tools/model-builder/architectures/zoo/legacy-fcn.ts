/**
 * A small segmentation network in the form the early exporters (PyTorch 0.4 / caffe2, opset 7,
 * IR 3) wrote, with every initializer also a graph input: Pad with `pads` and `mode` as
 * attributes (reflect padding before unpadded convs), BatchNormalization with `spatial`,
 * ReLU6 as Clip with min/max attributes, Split with `split` as an attribute, Upsample with
 * `scales` as an attribute, a multi-input Sum for the skip, per-channel Mul broadcasting a
 * [C, 1, 1] initializer, a Reshape whose target is an input, Softmax over the class axis after
 * a Transpose, and a classification head (GlobalAveragePool, Squeeze with axes attribute, Gemm,
 * Dropout with ratio attribute).
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { withExporterHeader } from './exporter-header.js';
import { dropoutWithRatio, legacyMaxPool } from './exporter-patterns.js';

export interface LegacyFcnOptions extends ImageModelOptions {
  readonly width?: number;
  readonly classes?: number;
}

const NEAR_ONE = { kind: 'uniform', low: 0.9, high: 1.1 } as const;
const NEAR_ZERO = { kind: 'uniform', low: -0.05, high: 0.05 } as const;

/** Reflect-Pad(1) + 3x3 Conv (pad 0) + BatchNormalization-7 (spatial) + activation. */
function block(b: GraphBuilder, x: Value, name: string, out: number, relu6 = false): Value {
  return b.scope(name, () => {
    const [n, c, h, w] = x.shape;
    const padded = b.emit('Pad', [x], [{ type: x.type, shape: [n, c, h + 2, w + 2] }], { mode: { s: 'reflect' }, pads: { ints: [0, 0, 1, 1, 0, 0, 1, 1] } })[0];
    const y = b.scope('conv', () => b.conv(padded, { out, kernel: 3, bias: false }));
    const normed = b.scope('bn', () => b.emit('BatchNormalization', [
      y, b.parameter('weight', [out], NEAR_ONE), b.parameter('bias', [out], NEAR_ZERO),
      b.parameter('running_mean', [out], NEAR_ZERO), b.parameter('running_var', [out], NEAR_ONE),
    ], [y], { epsilon: { f: 1e-5 }, momentum: { f: 0.9 }, spatial: { i: 1 } })[0]);
    return relu6 ? b.emit('Clip', [normed], [normed], { min: { f: 0 }, max: { f: 6 } })[0] : b.relu(normed);
  });
}

/** Swaps the two channel halves (Split with a `split` attribute, Concat). */
function swapHalves(b: GraphBuilder, x: Value): Value {
  const half = x.shape[1] / 2;
  const shape = [x.shape[0], half, x.shape[2], x.shape[3]];
  const [first, second] = b.emit('Split', [x], [{ type: x.type, shape }, { type: x.type, shape }], { axis: { i: 1 }, split: { ints: [half, half] } });
  return b.concat([second, first], 1);
}

export function legacyFcn(o: LegacyFcnOptions = {}): Uint8Array {
  const width = o.width ?? 32;
  const classes = o.classes ?? 5;
  const b = new GraphBuilder(o.seed ?? 42, 'legacy_fcn');
  const image = imageInput(b, o);
  const skip = block(b, image, 'enc1', width);
  let x = legacyMaxPool(b, skip, 2);
  x = swapHalves(b, block(b, x, 'enc2', 2 * width, true));
  x = block(b, x, 'enc3', 2 * width);
  const [n, c, h, w] = x.shape;
  const up = b.emit('Upsample', [x], [{ type: x.type, shape: [n, c, 2 * h, 2 * w] }], { mode: { s: 'nearest' }, scales: { floats: [1, 1, 2, 2] } })[0];
  const reduced = b.scope('reduce', () => b.conv(up, { out: width, kernel: 1 }));
  const fused = b.emit('Sum', [reduced, skip, b.mul(skip, b.parameter('skip_gain', [width, 1, 1], NEAR_ONE))], [skip])[0];
  const logits = b.scope('classifier', () => b.conv(fused, { out: classes, kernel: 1 }));
  const target = b.initializer('flat_shape', new DenseTensor('int64', [3], BigInt64Array.of(1n, BigInt(classes), -1n)));
  const flat = b.emit('Reshape', [logits, target], [{ type: logits.type, shape: [1, classes, logits.shape[2] * logits.shape[3]] }])[0];
  b.output(b.softmax(b.transpose(flat, [0, 2, 1]), 2), 'segmentation');
  const pooled = b.emit('Squeeze', [b.globalAveragePool(x)], [{ type: x.type, shape: [n, c] }], { axes: { ints: [2, 3] } })[0];
  b.output(dropoutWithRatio(b, b.scope('fc', () => b.gemm(pooled, classes)), 0.3), 'scene');
  return withExporterHeader(b.build(), { opset: 7, irVersion: 3, producer: 'pytorch', producerVersion: '0.4' });
}
