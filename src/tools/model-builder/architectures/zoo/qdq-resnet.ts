/**
 * A small ResNet quantized to int8 in the QDQ format onnxruntime's quantization tool writes
 * (opset 13, quantize_static with per-channel weights): every activation passes through
 * QuantizeLinear / DequantizeLinear (uint8, zero point 128 for the signed input, 0 after ReLU),
 * conv and Gemm weights are int8 initializers dequantized per output channel (axis 0), biases
 * int32 at scale input·weight, residual Adds take two dequantized inputs, and the head is
 * GlobalAveragePool, Flatten, Gemm. Runtimes may fuse each DQ -> op -> Q group into a quantized
 * kernel, which rounds differently from the float path by up to one quantization step.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import { Lcg } from '../../lcg.js';
import { imageInput, type ImageModelOptions } from '../image-classifier.js';
import { withExporterHeader } from './exporter-header.js';

export interface QdqResnetOptions extends ImageModelOptions {
  readonly widths?: readonly number[];
}

/** Activation quantization: after ReLU values lie in [0, RELU_RANGE]; residual sums in ±SUM_RANGE. */
const RELU_RANGE = 4;
const SUM_RANGE = 6;

interface Quantized {
  readonly value: Value;
  readonly scale: number;
}

class QdqWriter {
  private readonly rng: Lcg;

  constructor(private readonly b: GraphBuilder, seed: number) {
    this.rng = new Lcg(seed + 1);
  }

  /** QuantizeLinear then DequantizeLinear at (scale, zero point), as the tool places them. */
  qdq(x: Value, scale: number, zeroPoint: number): Quantized {
    const b = this.b;
    const s = b.initializer('scale', new DenseTensor('float32', [], Float32Array.of(scale)));
    const z = b.initializer('zero_point', new DenseTensor('uint8', [], Uint8Array.of(zeroPoint)));
    const q = b.emit('QuantizeLinear', [x, s, z], [{ type: 'uint8', shape: x.shape }])[0];
    return { value: b.emit('DequantizeLinear', [q, s, z], [x])[0], scale };
  }

  /** int8 weights with per-output-channel scales, dequantized on axis 0. */
  weight(shape: readonly number[], fanIn: number): { value: Value; scales: Float32Array } {
    const b = this.b;
    const count = shape.reduce((p, d) => p * d, 1);
    const bound = Math.sqrt(6 / fanIn);
    const scales = Float32Array.from({ length: shape[0] }, () => (bound * (0.8 + 0.4 * this.rng.next())) / 127);
    const data = Int8Array.from({ length: count }, () => Math.round(254 * this.rng.next()) - 127);
    const q = b.initializer('weight_quantized', new DenseTensor('int8', [...shape], data));
    const s = b.initializer('weight_scale', new DenseTensor('float32', [shape[0]], scales));
    const z = b.initializer('weight_zero_point', new DenseTensor('int8', [shape[0]], new Int8Array(shape[0])));
    return { value: b.emit('DequantizeLinear', [q, s, z], [{ type: 'float32', shape }], { axis: { i: 0 } })[0], scales };
  }

  /** int32 bias at scale inputScale · weightScale[c], dequantized on axis 0. */
  bias(inputScale: number, weightScales: Float32Array): Value {
    const b = this.b;
    const scales = weightScales.map((w) => inputScale * w);
    const data = Int32Array.from(scales, (s) => Math.round((0.1 * (this.rng.next() - 0.5)) / s));
    const q = b.initializer('bias_quantized', new DenseTensor('int32', [scales.length], data));
    const s = b.initializer('bias_scale', new DenseTensor('float32', [scales.length], scales));
    const z = b.initializer('bias_zero_point', new DenseTensor('int32', [scales.length], new Int32Array(scales.length)));
    return b.emit('DequantizeLinear', [q, s, z], [{ type: 'float32', shape: [scales.length] }], { axis: { i: 0 } })[0];
  }

  conv(x: Quantized, out: number, kernel: number, stride: number, relu: boolean): Value {
    const b = this.b;
    const [n, c, h, w] = x.value.shape;
    const pad = (kernel - 1) / 2;
    const weight = this.weight([out, c, kernel, kernel], c * kernel * kernel);
    const size = (d: number) => Math.floor((d + 2 * pad - kernel) / stride) + 1;
    const y = b.emit('Conv', [x.value, weight.value, this.bias(x.scale, weight.scales)], [{ type: 'float32', shape: [n, out, size(h), size(w)] }], {
      dilations: { ints: [1, 1] }, group: { i: 1 }, kernel_shape: { ints: [kernel, kernel] }, pads: { ints: [pad, pad, pad, pad] }, strides: { ints: [stride, stride] },
    })[0];
    return relu ? b.relu(y) : y;
  }
}

function basicBlock(q: QdqWriter, b: GraphBuilder, x: Quantized, out: number, stride: number): Quantized {
  const first = b.scope('conv1', () => q.qdq(q.conv(x, out, 3, stride, true), RELU_RANGE / 255, 0));
  const second = b.scope('conv2', () => q.qdq(q.conv(first, out, 3, 1, false), (2 * SUM_RANGE) / 255, 128));
  const shortcut = stride === 1 && x.value.shape[1] === out ? x : b.scope('downsample', () => q.qdq(q.conv(x, out, 1, stride, false), (2 * SUM_RANGE) / 255, 128));
  return b.scope('relu', () => q.qdq(b.relu(b.add(second.value, shortcut.value)), RELU_RANGE / 255, 0));
}

export function qdqResnet(o: QdqResnetOptions = {}): Uint8Array {
  const widths = o.widths ?? [64, 128, 256, 512];
  const seed = o.seed ?? 42;
  const b = new GraphBuilder(seed, 'qdq_resnet18');
  const q = new QdqWriter(b, seed);
  const input = q.qdq(imageInput(b, o), 2 / 255, 128);
  let x = b.scope('conv1', () => q.qdq(q.conv(input, widths[0], 7, 2, true), RELU_RANGE / 255, 0));
  x = q.qdq(b.maxPool(x.value, { kernel: 3, stride: 2, pad: 1 }), RELU_RANGE / 255, 0);
  widths.forEach((width, stage) => {
    for (let i = 0; i < 2; i++) x = b.scope(`layer${stage + 1}.${i}`, () => basicBlock(q, b, x, width, i === 0 && stage > 0 ? 2 : 1));
  });
  const pooled = q.qdq(b.flatten(b.globalAveragePool(x.value), 1), RELU_RANGE / 255, 0);
  const logits = b.scope('fc', () => {
    const weight = q.weight([1000, widths[widths.length - 1]], widths[widths.length - 1]);
    return b.emit('Gemm', [pooled.value, weight.value, q.bias(pooled.scale, weight.scales)], [{ type: 'float32', shape: [1, 1000] }], { transB: { i: 1 } })[0];
  });
  b.output(logits, 'output');
  return withExporterHeader(b.build(), { opset: 13, irVersion: 7, producer: 'onnx.quantize', producerVersion: '0.1.0' });
}
