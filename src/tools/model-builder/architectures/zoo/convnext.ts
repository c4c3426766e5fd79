/**
 * ConvNeXt (facebookresearch/ConvNeXt) as torch.onnx (opset 17) exports it: a 4x4 stride-4
 * stem, blocks of depthwise 7x7 conv, permute to channels-last (Transpose), LayerNormalization
 * over channels, pointwise layers as MatMul + Add on a rank-4 value, exact GELU via Erf, layer
 * scale Mul, permute back and the residual Add; the downsampling and stem norms are the repo's
 * channels-first LayerNorm written out (ReduceMean over axis 1, Sub, Pow, Sqrt, Div, affine
 * [C, 1, 1]); the head is GlobalAveragePool-free: ReduceMean over H, W, LayerNormalization, Gemm.
 * ConvNeXt-T is depths 3-3-9-3, widths 96-768 (28.6M parameters).
 */
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { reduceMean } from './exporter-patterns.js';

export interface ConvNextOptions extends ImageModelOptions {
  readonly depths?: readonly number[];
  readonly widths?: readonly number[];
}

const EPSILON = 1e-6;
const NEAR_ONE = { kind: 'uniform', low: 0.9, high: 1.1 } as const;
const NEAR_ZERO = { kind: 'uniform', low: -0.05, high: 0.05 } as const;
/** Trained layer scales are small; 1e-6 (the init) would make every block an identity. */
const LAYER_SCALE = { kind: 'uniform', low: 0.05, high: 0.15 } as const;

/** The repo's LayerNorm(data_format="channels_first"). */
function channelsFirstNorm(b: GraphBuilder, x: Value): Value {
  const c = x.shape[1];
  const centred = b.sub(x, reduceMean(b, x, [1], true));
  const variance = reduceMean(b, b.pow(centred, 2), [1], true);
  const normed = b.div(centred, b.emit('Sqrt', [b.add(variance, EPSILON)], [variance])[0]);
  return b.add(b.mul(b.parameter('weight', [c, 1, 1], NEAR_ONE), normed), b.parameter('bias', [c, 1, 1], NEAR_ZERO));
}

function block(b: GraphBuilder, x: Value): Value {
  const c = x.shape[1];
  const mixed = b.scope('dwconv', () => b.conv(x, { out: c, kernel: 7, pad: 3, group: c }));
  const last = b.scope('norm', () => b.layerNorm(b.transpose(mixed, [0, 2, 3, 1]), EPSILON));
  const hidden = b.scope('pwconv2', () => b.linear(b.gelu(b.scope('pwconv1', () => b.linear(last, 4 * c))), c));
  const scaled = b.mul(b.parameter('gamma', [c], LAYER_SCALE), hidden);
  return b.add(x, b.transpose(scaled, [0, 3, 1, 2]));
}

export function convnext(o: ConvNextOptions = {}): Uint8Array {
  const depths = o.depths ?? [3, 3, 9, 3];
  const widths = o.widths ?? [96, 192, 384, 768];
  const b = new GraphBuilder(o.seed ?? 42, 'convnext');
  let x = imageInput(b, o);
  widths.forEach((width, stage) => {
    x = b.scope(`downsample_layers.${stage}`, () => {
      if (stage === 0) return b.scope('1', () => channelsFirstNorm(b, b.scope('0', () => b.conv(x, { out: width, kernel: 4, stride: 4 }))));
      return b.scope('1', () => b.conv(b.scope('0', () => channelsFirstNorm(b, x)), { out: width, kernel: 2, stride: 2 }));
    });
    for (let i = 0; i < depths[stage]; i++) x = b.scope(`stages.${stage}.${i}`, () => block(b, x));
  });
  const pooled = b.scope('norm', () => b.layerNorm(reduceMean(b, x, [-2, -1], false), EPSILON));
  b.output(b.scope('head', () => b.gemm(pooled, 1000)), 'output');
  return b.build();
}
