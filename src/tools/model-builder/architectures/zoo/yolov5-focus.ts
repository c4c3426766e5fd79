/**
 * YOLOv5s (v5.0, with the Focus stem) as its export.py writes it at opset 13: Focus slices the
 * image into four pixel phases with strided Slice (steps 2) and Concats them, Conv + SiLU
 * (x * Sigmoid(x), BatchNormalization already fused into the conv bias), C3 blocks (two 1x1
 * branches, bottlenecks with residual Add, Concat, 1x1), SPP with three parallel max pools,
 * nearest Resize by scales in the FPN, and the Detect head decoded in the graph: Reshape to
 * [1, 3, 5 + classes, H, W], Transpose, Sigmoid, xy and wh from grid and anchor initializers
 * (Mul, Add, Pow), Concat and Reshape to [1, boxes, 5 + classes] per level, Concat of levels.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { withExporterHeader } from './exporter-header.js';

export interface Yolov5Options extends ImageModelOptions {
  /** Width multiple (0.5 for YOLOv5s) applied to 64..1024 channels. */
  readonly width?: number;
  /** Bottlenecks per C3 at depth 1 (YOLOv5s: 1, 3, 3, 1 after the depth multiple 0.33). */
  readonly depth?: readonly [number, number, number, number];
  readonly classes?: number;
}

const ANCHORS = [[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119], [116, 90, 156, 198, 373, 326]];
const STRIDES = [8, 16, 32];
const INT64_MAX = 9223372036854775807n;

function conv(b: GraphBuilder, x: Value, name: string, out: number, kernel: number, stride = 1): Value {
  return b.scope(name, () => b.silu(b.scope('conv', () => b.conv(x, { out, kernel, stride, pad: Math.floor(kernel / 2) }))));
}

function slice(b: GraphBuilder, x: Value, rowStart: number, colStart: number): Value {
  const [n, c, h, w] = x.shape;
  // x[..., r::2, c::2]: torch writes the open end as INT64_MAX.
  const ends = b.initializer('ends', new DenseTensor('int64', [2], BigInt64Array.of(INT64_MAX, INT64_MAX)));
  return b.emit('Slice', [x, b.int64s([rowStart, colStart]), ends, b.int64s([2, 3]), b.int64s([2, 2])], [{ type: x.type, shape: [n, c, Math.ceil((h - rowStart) / 2), Math.ceil((w - colStart) / 2)] }])[0];
}

function focus(b: GraphBuilder, x: Value, out: number): Value {
  return b.scope('model.0', () => conv(b, b.concat([slice(b, x, 0, 0), slice(b, x, 1, 0), slice(b, x, 0, 1), slice(b, x, 1, 1)], 1), 'conv', out, 3));
}

function c3(b: GraphBuilder, x: Value, name: string, out: number, repeats: number, shortcut = true): Value {
  return b.scope(name, () => {
    const hidden = out / 2;
    let y = conv(b, x, 'cv1', hidden, 1);
    for (let i = 0; i < repeats; i++) {
      y = b.scope(`m.${i}`, () => {
        const z = conv(b, conv(b, y, 'cv1', hidden, 1), 'cv2', hidden, 3);
        return shortcut ? b.add(y, z) : z;
      });
    }
    return conv(b, b.concat([y, conv(b, x, 'cv2', hidden, 1)], 1), 'cv3', out, 1);
  });
}

function spp(b: GraphBuilder, x: Value, name: string, out: number): Value {
  return b.scope(name, () => {
    const y = conv(b, x, 'cv1', x.shape[1] / 2, 1);
    const pools = [5, 9, 13].map((k) => b.maxPool(y, { kernel: k, stride: 1, pad: (k - 1) / 2 }));
    return conv(b, b.concat([y, ...pools], 1), 'cv2', out, 1);
  });
}

function upsample(b: GraphBuilder, x: Value): Value {
  const [n, c, h, w] = x.shape;
  const scales = b.initializer('scales', new DenseTensor('float32', [4], Float32Array.of(1, 1, 2, 2)));
  const roi = b.initializer('roi', new DenseTensor('float32', [0], new Float32Array(0)));
  return b.emit('Resize', [x, roi, scales], [{ type: x.type, shape: [n, c, 2 * h, 2 * w] }], {
    coordinate_transformation_mode: { s: 'asymmetric' }, cubic_coeff_a: { f: -0.75 }, mode: { s: 'nearest' }, nearest_mode: { s: 'floor' },
  })[0];
}

/** One Detect level: raw conv, then sigmoid and box decoding as export.py leaves it in the graph. */
function detectLevel(b: GraphBuilder, x: Value, level: number, classes: number): Value {
  return b.scope(`model.24.m.${level}`, () => {
    const outputs = 5 + classes;
    const [, , h, w] = x.shape;
    const raw = b.conv(x, { out: 3 * outputs, kernel: 1 });
    const y = b.sigmoid(b.transpose(b.reshape(raw, [1, 3, outputs, h, w]), [0, 1, 3, 4, 2]));
    const [xy, wh, scores] = b.split(y, [2, 2, outputs - 4], 4);
    const grid = Float32Array.from({ length: h * w * 2 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) % w : Math.floor(i / 2 / w)) - 0.5);
    const anchors = Float32Array.from({ length: 6 }, (_, i) => ANCHORS[level][i]);
    const centre = b.mul(b.add(b.mul(xy, 2), b.initializer('grid', new DenseTensor('float32', [1, 1, h, w, 2], grid))), STRIDES[level]);
    const size = b.mul(b.pow(b.mul(wh, 2), 2), b.initializer('anchor_grid', new DenseTensor('float32', [1, 3, 1, 1, 2], anchors)));
    return b.reshape(b.concat([centre, size, scores], 4), [1, -1, outputs]);
  });
}

export function yolov5Focus(o: Yolov5Options = {}): Uint8Array {
  const width = o.width ?? 0.5;
  const [d1, d2, d3, d4] = o.depth ?? [1, 3, 3, 1];
  const classes = o.classes ?? 80;
  const ch = (c: number) => Math.ceil((c * width) / 8) * 8;
  const b = new GraphBuilder(o.seed ?? 42, 'yolov5s');
  let x = focus(b, imageInput(b, { ...o, imageSize: o.imageSize ?? 640 }), ch(64));
  x = c3(b, conv(b, x, 'model.1', ch(128), 3, 2), 'model.2', ch(128), d1);
  const p3 = c3(b, conv(b, x, 'model.3', ch(256), 3, 2), 'model.4', ch(256), d2);
  const p4 = c3(b, conv(b, p3, 'model.5', ch(512), 3, 2), 'model.6', ch(512), d3);
  x = spp(b, conv(b, p4, 'model.7', ch(1024), 3, 2), 'model.8', ch(1024));
  const top = conv(b, c3(b, x, 'model.9', ch(1024), d4, false), 'model.10', ch(512), 1);
  const mid = conv(b, c3(b, b.concat([upsample(b, top), p4], 1), 'model.13', ch(512), d4, false), 'model.14', ch(256), 1);
  const out3 = c3(b, b.concat([upsample(b, mid), p3], 1), 'model.17', ch(256), d4, false);
  const out4 = c3(b, b.concat([conv(b, out3, 'model.18', ch(256), 3, 2), mid], 1), 'model.20', ch(512), d4, false);
  const out5 = c3(b, b.concat([conv(b, out4, 'model.21', ch(512), 3, 2), top], 1), 'model.23', ch(1024), d4, false);
  const levels = [out3, out4, out5].map((f, i) => detectLevel(b, f, i, classes));
  b.output(b.concat(levels, 1), 'output');
  return withExporterHeader(b.build(), { opset: 13, irVersion: 7, producer: 'pytorch', producerVersion: '1.8.1', constantNodes: true });
}
