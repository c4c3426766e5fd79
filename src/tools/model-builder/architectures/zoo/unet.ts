/**
 * The classic UNet (milesial/Pytorch-UNet) as torch.onnx (opset 17) exports it: DoubleConv
 * blocks (Conv + BatchNormalization + ReLU twice), MaxPool down-steps, and up-steps that
 * upsample, zero-Pad to the skip's size (F.pad with the size difference, all zeros when the
 * sizes agree, still exported), Concat the skip and run a DoubleConv. The two deep up-steps
 * use ConvTranspose (bilinear=False), the two shallow ones Resize (bilinear, align_corners, the
 * size computed from Shape) + a halving 1x1 conv, so one model covers both upsampling exports. 31M parameters at base 64.
 */
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { convTranspose } from './exporter-patterns.js';

export interface UnetOptions extends ImageModelOptions {
  /** Channels of the first level; each level doubles them. */
  readonly base?: number;
  readonly classes?: number;
}

function doubleConv(b: GraphBuilder, x: Value, out: number): Value {
  return b.scope('double_conv', () => {
    const first = b.relu(b.scope('1', () => b.batchNorm(b.scope('0', () => b.conv(x, { out, kernel: 3, pad: 1, bias: false })))));
    return b.relu(b.scope('4', () => b.batchNorm(b.scope('3', () => b.conv(first, { out, kernel: 3, pad: 1, bias: false })))));
  });
}

/**
 * nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True) with the output size computed
 * in the graph, as torch.onnx writes it when it recomputes the size: Shape, Slice, Cast to
 * float, Mul by the factor, Floor, Cast back, Concat with N and C, Resize by sizes.
 */
function resizeBilinear(b: GraphBuilder, x: Value): Value {
  const [n, c, h, w] = x.shape;
  const shape = b.emit('Shape', [x], [{ type: 'int64', shape: [4] }])[0];
  const slice = (start: number, end: number) => b.emit('Slice', [shape, b.int64s([start]), b.int64s([end]), b.int64s([0])], [{ type: 'int64', shape: [end - start] }])[0];
  const spatial = b.cast(b.emit('Floor', [b.mul(b.cast(slice(2, 4), 'float32'), 2)], [{ type: 'float32', shape: [2] }])[0], 'int64');
  const sizes = b.concat([slice(0, 2), spatial], 0);
  return b.emit('Resize', [x, undefined, undefined, sizes], [{ type: x.type, shape: [n, c, 2 * h, 2 * w] }], {
    coordinate_transformation_mode: { s: 'align_corners' },
    cubic_coeff_a: { f: -0.75 },
    mode: { s: 'linear' },
    nearest_mode: { s: 'floor' },
  })[0];
}

function up(b: GraphBuilder, x: Value, skip: Value, out: number, transposed: boolean): Value {
  const upsampled = transposed
    ? b.scope('up', () => convTranspose(b, x, x.shape[1] / 2, 2, 2))
    : b.scope('reduce', () => b.conv(resizeBilinear(b, x), { out: x.shape[1] / 2, kernel: 1 }));
  // F.pad(x, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2]) in ONNX's begin-then-end order.
  const [dy, dx] = [skip.shape[2] - upsampled.shape[2], skip.shape[3] - upsampled.shape[3]];
  const pads = b.int64s([0, 0, Math.floor(dy / 2), Math.floor(dx / 2), 0, 0, dy - Math.floor(dy / 2), dx - Math.floor(dx / 2)]);
  const aligned = b.emit('Pad', [upsampled, pads, b.scalar(0)], [{ type: x.type, shape: [...upsampled.shape.slice(0, 2), skip.shape[2], skip.shape[3]] }], { mode: { s: 'constant' } })[0];
  return b.scope('conv', () => doubleConv(b, b.concat([skip, aligned], 1), out));
}

export function unet(o: UnetOptions = {}): Uint8Array {
  const base = o.base ?? 64;
  const b = new GraphBuilder(o.seed ?? 42, 'unet');
  const x1 = b.scope('inc', () => doubleConv(b, imageInput(b, o), base));
  const levels = [x1];
  for (let i = 1; i <= 4; i++) {
    const below = levels[i - 1];
    levels.push(b.scope(`down${i}.maxpool_conv`, () => doubleConv(b, b.maxPool(below, { kernel: 2 }), base * 2 ** i)));
  }
  let y = levels[4];
  for (let i = 1; i <= 4; i++) y = b.scope(`up${i}`, () => up(b, y, levels[4 - i], base * 2 ** (4 - i), i <= 2));
  b.output(b.scope('outc.conv', () => b.conv(y, { out: o.classes ?? 2, kernel: 1 })), 'mask');
  return b.build();
}
