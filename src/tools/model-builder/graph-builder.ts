/**
 * A typed builder for ONNX opset 17 graphs shaped like PyTorch exports: one method per op (or
 * per exporter pattern, e.g. linear = MatMul + Add), parameters created and seeded on the spot
 * from one 32-bit LCG, static shapes tracked on every value. The same seed and the same calls
 * give the same bytes.
 */
import { broadcastShapes } from '../../kernels/support/broadcast.js';
import { encodeModelProto } from '../../onnx/encode.js';
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from '../../onnx/proto-types.js';
import { tensorToProto } from '../../onnx/tensor-to-proto.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { onnxCodeOf, type DataType } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { Lcg } from './lcg.js';
import { ModelBuildError } from './model-build-error.js';
import { concatShape, matmulShape, normalizeAxis, reshapeShape, transposeShape, windowOutput } from './shape-rules.js';
import { fillWeights, type WeightInit } from './weight-init.js';

/** A value in the graph under construction: a graph input, an initializer or a node output. */
export interface Value {
  readonly name: string;
  readonly type: DataType;
  readonly shape: readonly number[];
}

/** A value, or a number that becomes a float32 scalar initializer. */
export type Operand = Value | number;

export type Attribute =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] };

export interface ConvOptions {
  readonly out: number;
  /** Square kernel size. */
  readonly kernel: number;
  readonly stride?: number;
  readonly pad?: number;
  readonly group?: number;
  readonly dilation?: number;
  /** Conv followed by BatchNormalization has none (as in torchvision); default true. */
  readonly bias?: boolean;
  /** Default: He uniform over the kernel's fan-in. */
  readonly init?: WeightInit;
}

export interface PoolOptions {
  readonly kernel: number;
  readonly stride?: number;
  readonly pad?: number;
  readonly ceil?: boolean;
}

export interface BatchNormOptions {
  readonly epsilon?: number;
  /** Init of the scale (gamma); default U[0.9, 1.1). A small one damps a residual branch. */
  readonly scale?: WeightInit;
}

export interface LinearOptions {
  readonly bias?: boolean;
  /** Default: Xavier uniform. */
  readonly init?: WeightInit;
}

const PRODUCER = 'onnxts-model-builder';
const NEAR_ONE: WeightInit = { kind: 'uniform', low: 0.9, high: 1.1 };
const NEAR_ZERO: WeightInit = { kind: 'uniform', low: -0.05, high: 0.05 };

function attributeProto(name: string, a: Attribute): AttributeProto {
  if ('i' in a) return { name, type: 2, i: a.i };
  if ('f' in a) return { name, type: 1, f: a.f };
  if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: 7, ints: [...a.ints] };
  return { name, type: 6, floats: [...a.floats] };
}

function valueInfo(v: Value): ValueInfoProto {
  return { name: v.name, type: { tensor_type: { elem_type: onnxCodeOf(v.type), shape: { dim: v.shape.map((d) => ({ dim_value: d })) } } } };
}

/** PyTorch's default bias init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
function biasInit(fanIn: number): WeightInit {
  const b = 1 / Math.sqrt(fanIn);
  return { kind: 'uniform', low: -b, high: b };
}

export class GraphBuilder {
  private readonly rng: Lcg;
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: Value[] = [];
  private readonly outputs: Value[] = [];
  private readonly names = new Set<string>();
  private readonly scopes: string[] = [];
  private readonly constants = new Map<string, Value>();

  constructor(seed = 42, private readonly graphName = 'main_graph') {
    this.rng = new Lcg(seed);
  }

  /** Runs `body` with `name` appended to the node and parameter names (like a PyTorch submodule). */
  scope<T>(name: string, body: () => T): T {
    this.scopes.push(name);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  input(name: string, type: DataType, shape: readonly number[]): Value {
    const v = { name: this.claim(name), type, shape: [...shape] };
    this.inputs.push(v);
    return v;
  }

  /**
   * Marks `value` as a graph output, renamed to `name` when given. The returned value replaces
   * the argument (whose name is gone after a rename).
   */
  output(value: Value, name?: string): Value {
    let out = value;
    if (name !== undefined && name !== value.name) {
      const producer = this.nodes.find((n) => n.output?.includes(value.name));
      if (!producer) {
        [out] = this.emit('Identity', [value], [value]);
      }
      const renamed = { ...out, name: this.claim(name) };
      for (const n of this.nodes) {
        n.input = n.input?.map((x) => (x === out.name ? renamed.name : x));
        n.output = n.output?.map((x) => (x === out.name ? renamed.name : x));
      }
      out = renamed;
    }
    this.outputs.push(out);
    return out;
  }

  /** A float32 parameter named `<scope>.<suffix>`, filled by `init` from the builder's generator. */
  parameter(suffix: string, shape: readonly number[], init: WeightInit): Value {
    return this.initializer(suffix, new DenseTensor('float32', [...shape], fillWeights(init, sizeOf(shape), this.rng)));
  }

  /** Any initializer, named `<scope>.<suffix>`. */
  initializer(suffix: string, tensor: DenseTensor): Value {
    const name = this.claim([...this.scopes, suffix].join('.'));
    this.initializers.push(tensorToProto(tensor, name));
    return { name, type: tensor.type, shape: tensor.dims };
  }

  /** A 1-D int64 constant (shapes, axes, split sizes). Equal constants share one initializer. */
  int64s(values: readonly number[]): Value {
    return this.constant('int64', [values.length], BigInt64Array.from(values, BigInt));
  }

  /** A float32 scalar constant. */
  scalar(value: number): Value {
    return this.constant('float32', [], Float32Array.of(value));
  }

  /** Adds a node of `op`; the outputs get fresh names and the given types and shapes. */
  emit(
    op: string,
    inputs: readonly (Value | undefined)[],
    outputs: readonly Omit<Value, 'name'>[],
    attributes: Readonly<Record<string, Attribute>> = {},
  ): Value[] {
    const name = this.claim(`/${[...this.scopes, op].join('/')}`);
    const outs = outputs.map((o, i) => ({ name: this.claim(`${name}_output_${i}`), type: o.type, shape: [...o.shape] }));
    this.nodes.push({
      name,
      op_type: op,
      domain: '',
      input: inputs.map((v) => v?.name ?? ''),
      output: outs.map((o) => o.name),
      attribute: Object.entries(attributes).map(([key, a]) => attributeProto(key, a)),
    });
    return outs;
  }

  /** Encodes the graph as an opset 17 model. */
  build(): Uint8Array {
    if (this.outputs.length === 0) throw new ModelBuildError('the graph has no outputs: call output() first');
    return encodeModelProto({
      ir_version: 8,
      producer_name: PRODUCER,
      opset_import: [{ domain: '', version: 17 }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    });
  }

  // --- layers (one exporter pattern each) ---

  conv(x: Value, o: ConvOptions): Value {
    const [n, c, h, w] = this.rank(x, 4, 'Conv');
    const { kernel: k, stride = 1, pad = 0, group = 1, dilation = 1 } = o;
    if (c % group !== 0 || o.out % group !== 0) throw new ModelBuildError(`Conv group ${group} does not divide ${c} input and ${o.out} output channels`);
    const fanIn = (c / group) * k * k;
    const weight = this.parameter('weight', [o.out, c / group, k, k], o.init ?? { kind: 'he', fanIn });
    const bias = o.bias === false ? undefined : this.parameter('bias', [o.out], biasInit(fanIn));
    const shape = [n, o.out, windowOutput(h, k, stride, pad, dilation, false), windowOutput(w, k, stride, pad, dilation, false)];
    return this.emit('Conv', [x, weight, bias], [{ type: x.type, shape }], {
      dilations: { ints: [dilation, dilation] },
      group: { i: group },
      kernel_shape: { ints: [k, k] },
      pads: { ints: [pad, pad, pad, pad] },
      strides: { ints: [stride, stride] },
    })[0];
  }

  /** Inference-mode BatchNormalization with PyTorch's parameter names and epsilon. */
  batchNorm(x: Value, o: BatchNormOptions = {}): Value {
    const c = this.rank(x, 4, 'BatchNormalization')[1];
    const scale = this.parameter('weight', [c], o.scale ?? NEAR_ONE);
    const bias = this.parameter('bias', [c], NEAR_ZERO);
    const mean = this.parameter('running_mean', [c], NEAR_ZERO);
    const variance = this.parameter('running_var', [c], NEAR_ONE);
    return this.emit('BatchNormalization', [x, scale, bias, mean, variance], [x], {
      epsilon: { f: o.epsilon ?? 1e-5 },
      momentum: { f: 0.9 },
    })[0];
  }

  /** nn.Linear on any rank as exporters write it: MatMul by a [in, out] weight, then Add. */
  linear(x: Value, out: number, o: LinearOptions = {}): Value {
    const fanIn = x.shape[x.shape.length - 1];
    const weight = this.parameter('weight', [fanIn, out], o.init ?? { kind: 'xavier', fanIn, fanOut: out });
    const product = this.matmul(x, weight);
    return o.bias === false ? product : this.add(product, this.parameter('bias', [out], biasInit(fanIn)));
  }

  /** nn.Linear on a matrix as exporters write it: Gemm with a [out, in] weight, transB = 1. */
  gemm(x: Value, out: number, o: LinearOptions = {}): Value {
    const [m, fanIn] = this.rank(x, 2, 'Gemm');
    const weight = this.parameter('weight', [out, fanIn], o.init ?? { kind: 'xavier', fanIn, fanOut: out });
    const bias = o.bias === false ? undefined : this.parameter('bias', [out], biasInit(fanIn));
    return this.emit('Gemm', [x, weight, bias], [{ type: x.type, shape: [m, out] }], { alpha: { f: 1 }, beta: { f: 1 }, transB: { i: 1 } })[0];
  }

  layerNorm(x: Value, epsilon = 1e-5): Value {
    const d = x.shape[x.shape.length - 1];
    const scale = this.parameter('weight', [d], NEAR_ONE);
    const bias = this.parameter('bias', [d], NEAR_ZERO);
    return this.emit('LayerNormalization', [x, scale, bias], [x], { axis: { i: -1 }, epsilon: { f: epsilon } })[0];
  }

  // --- element-wise ---

  add(a: Operand, b: Operand): Value {
    return this.binary('Add', a, b);
  }

  sub(a: Operand, b: Operand): Value {
    return this.binary('Sub', a, b);
  }

  mul(a: Operand, b: Operand): Value {
    return this.binary('Mul', a, b);
  }

  div(a: Operand, b: Operand): Value {
    return this.binary('Div', a, b);
  }

  pow(a: Operand, b: Operand): Value {
    return this.binary('Pow', a, b);
  }

  relu(x: Value): Value {
    return this.emit('Relu', [x], [x])[0];
  }

  sigmoid(x: Value): Value {
    return this.emit('Sigmoid', [x], [x])[0];
  }

  tanh(x: Value): Value {
    return this.emit('Tanh', [x], [x])[0];
  }

  erf(x: Value): Value {
    return this.emit('Erf', [x], [x])[0];
  }

  /** Clip with min and max as inputs (ReLU6 exports as Clip(x, 0, 6)). */
  clip(x: Value, min: number, max: number): Value {
    return this.emit('Clip', [x, this.scalar(min), this.scalar(max)], [x])[0];
  }

  /** SiLU as exporters write it: x * Sigmoid(x). */
  silu(x: Value): Value {
    return this.mul(x, this.sigmoid(x));
  }

  /** Exact GELU as PyTorch exports it at opset 17: x * 0.5 * (1 + Erf(x / sqrt 2)), five nodes. */
  gelu(x: Value): Value {
    const erf = this.erf(this.div(x, Math.SQRT2));
    return this.mul(this.mul(x, this.add(erf, 1)), 0.5);
  }

  /** GPT-2's tanh GELU: 0.5 * x * (1 + Tanh(sqrt(2/π) * (x + 0.044715 * x^3))). */
  geluTanh(x: Value): Value {
    const cubic = this.mul(this.pow(x, 3), 0.044715);
    const inner = this.mul(this.add(x, cubic), Math.sqrt(2 / Math.PI));
    return this.mul(this.mul(x, 0.5), this.add(this.tanh(inner), 1));
  }

  where(condition: Value, a: Operand, b: Operand): Value {
    const [x, y] = [this.operand(a), this.operand(b)];
    return this.emit('Where', [condition, x, y], [{ type: x.type, shape: broadcastShapes(condition.shape, x.shape, y.shape) }])[0];
  }

  cast(x: Value, to: DataType): Value {
    return this.emit('Cast', [x], [{ type: to, shape: x.shape }], { to: { i: onnxCodeOf(to) } })[0];
  }

  // --- pooling ---

  maxPool(x: Value, o: PoolOptions): Value {
    return this.pool('MaxPool', x, o, {});
  }

  /** AveragePool as nn.AvgPool2d exports it (count_include_pad = 1). */
  averagePool(x: Value, o: PoolOptions): Value {
    return this.pool('AveragePool', x, o, { count_include_pad: { i: 1 } });
  }

  globalAveragePool(x: Value): Value {
    const [n, c] = this.rank(x, 4, 'GlobalAveragePool');
    return this.emit('GlobalAveragePool', [x], [{ type: x.type, shape: [n, c, 1, 1] }])[0];
  }

  // --- linear algebra and shapes ---

  matmul(a: Value, b: Value): Value {
    return this.emit('MatMul', [a, b], [{ type: a.type, shape: matmulShape(a.shape, b.shape) }])[0];
  }

  softmax(x: Value, axis = -1): Value {
    return this.emit('Softmax', [x], [x], { axis: { i: axis } })[0];
  }

  flatten(x: Value, axis = 1): Value {
    const a = normalizeAxis(axis, x.shape.length + 1);
    const shape = [sizeOf(x.shape.slice(0, a)), sizeOf(x.shape.slice(a))];
    return this.emit('Flatten', [x], [{ type: x.type, shape }], { axis: { i: axis } })[0];
  }

  reshape(x: Value, shape: readonly number[]): Value {
    return this.emit('Reshape', [x, this.int64s(shape)], [{ type: x.type, shape: reshapeShape(x.shape, shape) }])[0];
  }

  transpose(x: Value, perm: readonly number[]): Value {
    return this.emit('Transpose', [x], [{ type: x.type, shape: transposeShape(x.shape, perm) }], { perm: { ints: perm } })[0];
  }

  concat(xs: readonly Value[], axis: number): Value {
    if (xs.length === 0) throw new ModelBuildError('Concat needs at least one input');
    return this.emit('Concat', xs, [{ type: xs[0].type, shape: concatShape(xs.map((x) => x.shape), axis) }], { axis: { i: axis } })[0];
  }

  /** Split with the sizes as an input (opset 13+), as torch.split / chunk export. */
  split(x: Value, sizes: readonly number[], axis: number): Value[] {
    const a = normalizeAxis(axis, x.shape.length);
    if (sizes.reduce((s, d) => s + d, 0) !== x.shape[a]) throw new ModelBuildError(`split sizes ${formatShape(sizes)} do not add up to axis ${axis} of ${formatShape(x.shape)}`);
    const outs = sizes.map((d) => ({ type: x.type, shape: x.shape.map((s, i) => (i === a ? d : s)) }));
    return this.emit('Split', [x, this.int64s(sizes)], outs, { axis: { i: axis } });
  }

  unsqueeze(x: Value, axes: readonly number[]): Value {
    const shape = [...x.shape];
    const rank = shape.length + axes.length;
    for (const axis of axes.map((a) => normalizeAxis(a, rank)).sort((p, q) => p - q)) shape.splice(axis, 0, 1);
    return this.emit('Unsqueeze', [x, this.int64s(axes)], [{ type: x.type, shape }])[0];
  }

  /** Gather along `axis`; a number index is a 0-d int64 constant and drops the axis. */
  gather(data: Value, indices: Value | number, axis = 0): Value {
    const a = normalizeAxis(axis, data.shape.length);
    const index = typeof indices === 'number' ? this.constant('int64', [], BigInt64Array.of(BigInt(indices))) : indices;
    const shape = [...data.shape.slice(0, a), ...index.shape, ...data.shape.slice(a + 1)];
    return this.emit('Gather', [data, index], [{ type: data.type, shape }], { axis: { i: axis } })[0];
  }

  /** nn.Upsample(scale_factor, mode='nearest') as exported: Resize with scales, asymmetric, floor. */
  resizeNearest(x: Value, scale: number): Value {
    const [n, c, h, w] = this.rank(x, 4, 'Resize');
    const scales = this.constant('float32', [4], Float32Array.of(1, 1, scale, scale));
    const shape = [n, c, Math.floor(h * scale), Math.floor(w * scale)];
    return this.emit('Resize', [x, undefined, scales], [{ type: x.type, shape }], {
      coordinate_transformation_mode: { s: 'asymmetric' },
      cubic_coeff_a: { f: -0.75 },
      mode: { s: 'nearest' },
      nearest_mode: { s: 'floor' },
    })[0];
  }

  // --- internals ---

  private claim(wanted: string): string {
    let name = wanted;
    for (let i = 1; this.names.has(name); i++) name = `${wanted}_${i}`;
    this.names.add(name);
    return name;
  }

  private constant(type: 'float32' | 'int64', dims: readonly number[], data: Float32Array | BigInt64Array): Value {
    const key = `${type}[${dims.join(',')}]${data.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.claim(`onnx::Constant_${this.constants.size}`);
    this.initializers.push(tensorToProto(new DenseTensor(type, [...dims], data), name));
    const v = { name, type, shape: [...dims] };
    this.constants.set(key, v);
    return v;
  }

  private operand(x: Operand): Value {
    return typeof x === 'number' ? this.scalar(x) : x;
  }

  private binary(op: string, a: Operand, b: Operand): Value {
    const [x, y] = [this.operand(a), this.operand(b)];
    const type = typeof a === 'number' ? y.type : x.type;
    return this.emit(op, [x, y], [{ type, shape: broadcastShapes(x.shape, y.shape) }])[0];
  }

  private pool(op: string, x: Value, o: PoolOptions, extra: Readonly<Record<string, Attribute>>): Value {
    const [n, c, h, w] = this.rank(x, 4, op);
    const { kernel: k, stride = k, pad = 0, ceil = false } = o;
    const shape = [n, c, windowOutput(h, k, stride, pad, 1, ceil), windowOutput(w, k, stride, pad, 1, ceil)];
    return this.emit(op, [x], [{ type: x.type, shape }], {
      ceil_mode: { i: ceil ? 1 : 0 },
      kernel_shape: { ints: [k, k] },
      pads: { ints: [pad, pad, pad, pad] },
      strides: { ints: [stride, stride] },
      ...extra,
    })[0];
  }

  private rank(x: Value, rank: number, op: string): readonly number[] {
    if (x.shape.length !== rank) throw new ModelBuildError(`${op} needs a rank-${rank} input, '${x.name}' is ${formatShape(x.shape)}`);
    return x.shape;
  }
}
