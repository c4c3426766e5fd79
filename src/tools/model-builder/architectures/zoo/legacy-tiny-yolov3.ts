/**
 * Tiny YOLOv3 in the form keras2onnx wrote it (opset 9, IR 4): an NHWC image input moved to
 * NCHW by a Transpose, Conv + BatchNormalization (opset 9, no `spatial`) + LeakyRelu(0.1)
 * blocks, 2x2 max pools, the stride-1 pool after a ZeroPadding2D exported as Pad with `pads` and
 * `value` attributes, the route through Upsample with `scales` as an input (opset 9), a
 * Concat with the earlier feature map, and both detection heads transposed back to NHWC.
 * 8.9M parameters at full width (16..1024) and 80 classes.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import type { InputRecipe } from '../../input-recipe.js';
import { withExporterHeader } from './exporter-header.js';
import { legacyMaxPool } from './exporter-patterns.js';

export interface TinyYoloOptions {
  readonly seed?: number;
  readonly imageSize?: number;
  /** Channels of the first conv; later ones double up to 64x it (darknet: 16). */
  readonly base?: number;
  readonly classes?: number;
}

function convBnLeaky(b: GraphBuilder, x: Value, name: string, out: number, kernel: number): Value {
  return b.scope(name, () => {
    const y = b.conv(x, { out, kernel, pad: (kernel - 1) / 2, bias: false });
    const z = b.scope('bn', () => b.batchNorm(y, { epsilon: 1e-3 }));
    return b.emit('LeakyRelu', [z], [z], { alpha: { f: 0.1 } })[0];
  });
}

function detectionHead(b: GraphBuilder, x: Value, name: string, classes: number): Value {
  const raw = b.scope(name, () => b.conv(x, { out: 3 * (5 + classes), kernel: 1 }));
  return b.transpose(raw, [0, 2, 3, 1]);
}

export function legacyTinyYolov3(o: TinyYoloOptions = {}): Uint8Array {
  const size = o.imageSize ?? 416;
  const base = o.base ?? 16;
  const classes = o.classes ?? 80;
  const b = new GraphBuilder(o.seed ?? 42, 'tiny_yolov3');
  let x = b.transpose(b.input('input_1', 'float32', [1, size, size, 3]), [0, 3, 1, 2]);
  let route: Value | undefined;
  for (let i = 0; i < 6; i++) {
    x = convBnLeaky(b, x, `conv2d_${i + 1}`, base * 2 ** i, 3);
    if (i === 4) route = x;
    if (i < 5) {
      x = legacyMaxPool(b, x, 2);
    } else {
      const [n, c, h, w] = x.shape;
      const padded = b.emit('Pad', [x], [{ type: x.type, shape: [n, c, h + 1, w + 1] }], { mode: { s: 'constant' }, pads: { ints: [0, 0, 0, 0, 0, 0, 1, 1] }, value: { f: 0 } })[0];
      x = legacyMaxPool(b, padded, 2, 1);
    }
  }
  x = convBnLeaky(b, x, 'conv2d_7', base * 64, 3);
  const neck = convBnLeaky(b, x, 'conv2d_8', base * 16, 1);
  const large = detectionHead(b, convBnLeaky(b, neck, 'conv2d_9', base * 32, 3), 'conv2d_10', classes);
  const lateral = convBnLeaky(b, neck, 'conv2d_11', base * 8, 1);
  const [n, c, h, w] = lateral.shape;
  const scales = b.initializer('up_sampling2d_1_scales', new DenseTensor('float32', [4], Float32Array.of(1, 1, 2, 2)));
  const up = b.emit('Upsample', [lateral, scales], [{ type: lateral.type, shape: [n, c, 2 * h, 2 * w] }], { mode: { s: 'nearest' } })[0];
  const merged = b.concat([up, route as Value], 1);
  const small = detectionHead(b, convBnLeaky(b, merged, 'conv2d_12', base * 16, 3), 'conv2d_13', classes);
  b.output(large, 'conv2d_10_output');
  b.output(small, 'conv2d_13_output');
  return withExporterHeader(b.build(), { opset: 9, irVersion: 4, producer: 'keras2onnx', producerVersion: '1.6.0' });
}

export function tinyYoloRecipe(o: TinyYoloOptions = {}): InputRecipe[] {
  const size = o.imageSize ?? 416;
  return [{ name: 'input_1', type: 'float32', shape: [1, size, size, 3], fill: { kind: 'uniform', low: 0, high: 1 } }];
}
