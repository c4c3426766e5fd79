/**
 * torchvision MobileNetV3-Small as torch.onnx (opset 17) exports it: HardSwish and ReLU
 * activations, squeeze-excitation with ReLU and HardSigmoid (GlobalAveragePool, 1x1 Conv,
 * Relu, 1x1 Conv, HardSigmoid, Mul), depthwise 3x3 and 5x5 convs, and a head of
 * GlobalAveragePool, Flatten, Gemm, HardSwish, Dropout, Gemm. 2.54M parameters.
 */
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { dropout } from './exporter-patterns.js';

/** kernel, expanded channels, output channels, squeeze-excitation, HardSwish (else ReLU), stride. */
const BLOCKS = [
  [3, 16, 16, true, false, 2], [3, 72, 24, false, false, 2], [3, 88, 24, false, false, 1],
  [5, 96, 40, true, true, 2], [5, 240, 40, true, true, 1], [5, 240, 40, true, true, 1],
  [5, 120, 48, true, true, 1], [5, 144, 48, true, true, 1],
  [5, 288, 96, true, true, 2], [5, 576, 96, true, true, 1], [5, 576, 96, true, true, 1],
] as const;

const RESIDUAL_SCALE = { kind: 'uniform', low: 0.2, high: 0.3 } as const;

/** torchvision's _make_divisible(v, 8). */
function divisible(v: number): number {
  const rounded = Math.max(8, Math.floor(v + 4) - (Math.floor(v + 4) % 8));
  return rounded < 0.9 * v ? rounded + 8 : rounded;
}

function hardswish(b: GraphBuilder, x: Value): Value {
  return b.emit('HardSwish', [x], [x])[0];
}

function convBnAct(b: GraphBuilder, x: Value, index: string, out: number, kernel: number, stride: number, group: number, act: 'hs' | 're' | 'none', residual = false): Value {
  return b.scope(index, () => {
    const y = b.scope('0', () => b.conv(x, { out, kernel, stride, pad: (kernel - 1) / 2, group, bias: false }));
    const z = b.scope('1', () => b.batchNorm(y, { epsilon: 1e-3, ...(residual ? { scale: RESIDUAL_SCALE } : {}) }));
    return act === 'hs' ? hardswish(b, z) : act === 're' ? b.relu(z) : z;
  });
}

function squeezeExcitation(b: GraphBuilder, x: Value): Value {
  const squeeze = divisible(x.shape[1] / 4);
  const reduced = b.relu(b.scope('fc1', () => b.conv(b.globalAveragePool(x), { out: squeeze, kernel: 1 })));
  const gate = b.scope('fc2', () => b.conv(reduced, { out: x.shape[1], kernel: 1 }));
  return b.mul(b.emit('HardSigmoid', [gate], [gate], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } })[0], x);
}

function invertedResidual(b: GraphBuilder, x: Value, kernel: number, expanded: number, out: number, se: boolean, hs: boolean, stride: number): Value {
  const act = hs ? 'hs' : 're';
  const residual = stride === 1 && x.shape[1] === out;
  return b.scope('block', () => {
    let i = 0;
    let y = x;
    if (expanded !== x.shape[1]) y = convBnAct(b, y, `${i++}`, expanded, 1, 1, 1, act);
    y = convBnAct(b, y, `${i++}`, expanded, kernel, stride, expanded, act);
    if (se) y = b.scope(`${i++}`, () => squeezeExcitation(b, y));
    y = convBnAct(b, y, `${i}`, out, 1, 1, 1, 'none', residual);
    return residual ? b.add(y, x) : y;
  });
}

export function mobilenetV3Small(o: ImageModelOptions = {}): Uint8Array {
  const b = new GraphBuilder(o.seed ?? 42, 'mobilenet_v3_small');
  let x = imageInput(b, o);
  b.scope('features', () => {
    x = convBnAct(b, x, '0', 16, 3, 2, 1, 'hs');
    BLOCKS.forEach(([kernel, expanded, out, se, hs, stride], i) => {
      x = b.scope(`${i + 1}`, () => invertedResidual(b, x, kernel, expanded, out, se, hs, stride));
    });
    x = convBnAct(b, x, `${BLOCKS.length + 1}`, 576, 1, 1, 1, 'hs');
  });
  const pooled = b.flatten(b.globalAveragePool(x), 1);
  const hidden = dropout(b, hardswish(b, b.scope('classifier.0', () => b.gemm(pooled, 1024))));
  b.output(b.scope('classifier.3', () => b.gemm(hidden, 1000)), 'output');
  return b.build();
}
