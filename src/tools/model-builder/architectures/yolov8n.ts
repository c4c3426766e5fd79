/**
 * Ultralytics YOLOv8n as `yolo export format=onnx opset=17` writes it: Conv+BN fused into Conv
 * with bias, SiLU as x * Sigmoid(x), C2f blocks (Split in two, bottlenecks, Concat), SPPF
 * (three chained MaxPools), an FPN/PAN neck with nearest Resize upsampling and Concat, and the
 * anchor-free Detect head decoded in the graph (DFL softmax + 1x1 conv, dist2bbox, Sigmoid
 * scores) to [1, 84, anchors]. 3.2M parameters.
 */
import { GraphBuilder, type Value } from '../graph-builder.js';
import type { InputRecipe } from '../input-recipe.js';

export interface DetectorOptions {
  readonly seed?: number;
  /** Square input size, a multiple of 32; default 640. */
  readonly imageSize?: number;
}

const CLASSES = 80;
const REG_MAX = 16;
const STRIDES = [8, 16, 32];

/** ultralytics Conv: conv (BN folded in as a bias) then SiLU, 'same' padding. */
function conv(b: GraphBuilder, x: Value, name: string, out: number, kernel: number, stride = 1): Value {
  return b.scope(name, () => b.silu(b.scope('conv', () => b.conv(x, { out, kernel, stride, pad: Math.floor(kernel / 2) }))));
}

function bottleneck(b: GraphBuilder, x: Value, shortcut: boolean): Value {
  const c = x.shape[1];
  const y = conv(b, conv(b, x, 'cv1', c, 3), 'cv2', c, 3);
  return shortcut ? b.add(x, y) : y;
}

function c2f(b: GraphBuilder, x: Value, name: string, out: number, repeats: number, shortcut: boolean): Value {
  return b.scope(name, () => {
    const hidden = out / 2;
    const parts = b.split(conv(b, x, 'cv1', 2 * hidden, 1), [hidden, hidden], 1);
    for (let i = 0; i < repeats; i++) parts.push(b.scope(`m.${i}`, () => bottleneck(b, parts[parts.length - 1], shortcut)));
    return conv(b, b.concat(parts, 1), 'cv2', out, 1);
  });
}

function sppf(b: GraphBuilder, x: Value, name: string): Value {
  return b.scope(name, () => {
    const c = x.shape[1];
    const pooled = [conv(b, x, 'cv1', c / 2, 1)];
    for (let i = 0; i < 3; i++) pooled.push(b.maxPool(pooled[i], { kernel: 5, stride: 1, pad: 2 }));
    return conv(b, b.concat(pooled, 1), 'cv2', c, 1);
  });
}

/** Detect's branch widths, from the P3 level's channels as ultralytics computes them. */
function headWidths(p3Channels: number): { box: number; cls: number } {
  return { box: Math.max(16, p3Channels / 4, 4 * REG_MAX), cls: Math.max(p3Channels, Math.min(CLASSES, 100)) };
}

/** One level of the Detect head: box branch (cv2) and class branch (cv3) side by side, flattened. */
function detectLevel(b: GraphBuilder, x: Value, level: number, widths: { box: number; cls: number }): Value {
  const branch = (name: string, width: number, out: number) =>
    b.scope(`${name}.${level}`, () => {
      const y = conv(b, conv(b, x, '0', width, 3), '1', width, 3);
      return b.scope('2', () => b.conv(y, { out, kernel: 1 }));
    });
  const box = branch('cv2', widths.box, 4 * REG_MAX);
  const cls = branch('cv3', widths.cls, CLASSES);
  const joined = b.concat([box, cls], 1);
  return b.reshape(joined, [1, 4 * REG_MAX + CLASSES, -1]);
}

/** Anchor centres (x, y) in cell units and each anchor's stride, for an image of `size`. */
function anchorGrid(size: number): { points: Float32Array; strides: Float32Array } {
  const xs: number[] = [];
  const ys: number[] = [];
  const strides: number[] = [];
  for (const stride of STRIDES) {
    const cells = size / stride;
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        xs.push(x + 0.5);
        ys.push(y + 0.5);
        strides.push(stride);
      }
    }
  }
  return { points: Float32Array.from([...xs, ...ys]), strides: Float32Array.from(strides) };
}

/** Detect's export-time decode: DFL expectation over 16 bins, dist2bbox to xywh, times stride. */
function decode(b: GraphBuilder, levels: readonly Value[], size: number): Value {
  const all = b.concat(levels, 2);
  const anchors = all.shape[2];
  const [distribution, scores] = b.split(all, [4 * REG_MAX, CLASSES], 1);
  const dfl = b.scope('dfl', () => {
    const bins = b.softmax(b.transpose(b.reshape(distribution, [1, 4, REG_MAX, anchors]), [0, 2, 1, 3]), 1);
    const projection = { kind: 'values', values: Array.from({ length: REG_MAX }, (_, i) => i) } as const;
    return b.reshape(b.scope('conv', () => b.conv(bins, { out: 1, kernel: 1, bias: false, init: projection })), [1, 4, anchors]);
  });
  const grid = anchorGrid(size);
  const points = b.parameter('anchors', [1, 2, anchors], { kind: 'values', values: grid.points });
  const strides = b.parameter('strides', [1, anchors], { kind: 'values', values: grid.strides });
  const [lt, rb] = b.split(dfl, [2, 2], 1);
  const topLeft = b.sub(points, lt);
  const bottomRight = b.add(points, rb);
  const centre = b.div(b.add(topLeft, bottomRight), 2);
  const boxes = b.mul(b.concat([centre, b.sub(bottomRight, topLeft)], 1), strides);
  return b.concat([boxes, b.sigmoid(scores)], 1);
}

export function yolov8n(o: DetectorOptions = {}): Uint8Array {
  const size = o.imageSize ?? 640;
  const b = new GraphBuilder(o.seed ?? 42, 'yolov8n');
  const images = b.input('images', 'float32', [1, 3, size, size]);
  const out = b.scope('model', () => {
    let x = conv(b, images, '0', 16, 3, 2);
    x = conv(b, x, '1', 32, 3, 2);
    x = c2f(b, x, '2', 32, 1, true);
    x = conv(b, x, '3', 64, 3, 2);
    const p3 = c2f(b, x, '4', 64, 2, true);
    x = conv(b, p3, '5', 128, 3, 2);
    const p4 = c2f(b, x, '6', 128, 2, true);
    x = conv(b, p4, '7', 256, 3, 2);
    x = c2f(b, x, '8', 256, 1, true);
    const p5 = sppf(b, x, '9');
    const n4 = c2f(b, b.concat([b.resizeNearest(p5, 2), p4], 1), '12', 128, 1, false);
    const n3 = c2f(b, b.concat([b.resizeNearest(n4, 2), p3], 1), '15', 64, 1, false);
    const m4 = c2f(b, b.concat([conv(b, n3, '16', 64, 3, 2), n4], 1), '18', 128, 1, false);
    const m5 = c2f(b, b.concat([conv(b, m4, '19', 128, 3, 2), p5], 1), '21', 256, 1, false);
    const widths = headWidths(n3.shape[1]);
    return b.scope('22', () => decode(b, [n3, m4, m5].map((level, i) => detectLevel(b, level, i, widths)), size));
  });
  b.output(out, 'output0');
  return b.build();
}

/** An image scaled to [0, 1), as ultralytics feeds it. */
export function yoloRecipe(o: DetectorOptions = {}): InputRecipe[] {
  const size = o.imageSize ?? 640;
  return [{ name: 'images', type: 'float32', shape: [1, 3, size, size], fill: { kind: 'uniform', low: 0, high: 1 } }];
}
