/**
 * torchvision SqueezeNet 1.1 as torch.onnx exports it: Conv with bias + ReLU, MaxPool with
 * ceil_mode, Fire modules (squeeze 1x1, expand 1x1 and 3x3, Concat), a 1x1 conv classifier,
 * GlobalAveragePool and Flatten. 1.24M parameters.
 */
import { GraphBuilder, type Value } from '../graph-builder.js';
import { imageInput, type ImageModelOptions } from './image-classifier.js';

/** features.<index>: squeeze planes and expand planes (each of the 1x1 and 3x3 branches). */
const FIRES: Record<number, readonly [number, number]> = {
  3: [16, 64], 4: [16, 64], 6: [32, 128], 7: [32, 128], 9: [48, 192], 10: [48, 192], 11: [64, 256], 12: [64, 256],
};
const POOLS = new Set([2, 5, 8]);

function fire(b: GraphBuilder, x: Value, squeeze: number, expand: number): Value {
  const s = b.relu(b.scope('squeeze', () => b.conv(x, { out: squeeze, kernel: 1 })));
  const e1 = b.relu(b.scope('expand1x1', () => b.conv(s, { out: expand, kernel: 1 })));
  const e3 = b.relu(b.scope('expand3x3', () => b.conv(s, { out: expand, kernel: 3, pad: 1 })));
  return b.concat([e1, e3], 1);
}

export function squeezenet11(o: ImageModelOptions = {}): Uint8Array {
  const b = new GraphBuilder(o.seed ?? 42, 'squeezenet1_1');
  let x = imageInput(b, o);
  b.scope('features', () => {
    x = b.relu(b.scope('0', () => b.conv(x, { out: 64, kernel: 3, stride: 2 })));
    for (let i = 2; i <= 12; i++) {
      const planes = FIRES[i];
      if (POOLS.has(i)) x = b.maxPool(x, { kernel: 3, stride: 2, ceil: true });
      else x = b.scope(`${i}`, () => fire(b, x, planes[0], planes[1]));
    }
  });
  const logits = b.relu(b.scope('classifier.1', () => b.conv(x, { out: 1000, kernel: 1 })));
  b.output(b.flatten(b.globalAveragePool(logits), 1), 'output');
  return b.build();
}
