/**
 * Builds small ONNX models in tests: typed attribute helpers, graph and single-node model
 * builders, encoded with the project's own schema.
 */
import { encodeModelProto } from '../../src/onnx/encode.js';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../src/onnx/proto-types.js';
import { tensorToProto } from '../../src/onnx/tensor-to-proto.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { onnxCodeOf, type DataType } from '../../src/tensor/element-type.js';

export type AttributeValue = Omit<AttributeProto, 'name'>;

export const attr = {
  int: (i: number): AttributeValue => ({ type: 2, i }),
  float: (f: number): AttributeValue => ({ type: 1, f }),
  string: (s: string): AttributeValue => ({ type: 3, s: new TextEncoder().encode(s) }),
  ints: (ints: readonly number[]): AttributeValue => ({ type: 7, ints: [...ints] }),
  floats: (floats: readonly number[]): AttributeValue => ({ type: 6, floats: [...floats] }),
  strings: (strings: readonly string[]): AttributeValue => ({ type: 8, strings: strings.map((s) => new TextEncoder().encode(s)) }),
  tensor: (t: DenseTensor): AttributeValue => ({ type: 4, t: tensorToProto(t) }),
  graph: (g: GraphProto): AttributeValue => ({ type: 5, g }),
};

/** A dimension: a number, a symbolic name, or null for unknown. */
export type DimSpec = number | string | null;

export interface ValueSpec {
  readonly name: string;
  readonly type: DataType;
  /** Omit for an unknown shape. */
  readonly shape?: readonly DimSpec[];
}

export function valueInfo(spec: ValueSpec): ValueInfoProto {
  return {
    name: spec.name,
    type: {
      tensor_type: {
        elem_type: onnxCodeOf(spec.type),
        shape: spec.shape ? { dim: spec.shape.map((d) => (d === null ? {} : typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } : undefined,
      },
    },
  };
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Record<string, AttributeValue>;
  readonly domain?: string;
  readonly name?: string;
}

export function node(spec: NodeSpec): NodeProto {
  return {
    op_type: spec.op,
    domain: spec.domain ?? '',
    name: spec.name ?? '',
    input: [...spec.inputs],
    output: [...spec.outputs],
    attribute: Object.entries(spec.attributes ?? {}).map(([name, a]) => ({ name, ...a })),
  };
}

export interface GraphSpec {
  readonly nodes: readonly NodeSpec[];
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly initializers?: Record<string, DenseTensor>;
  readonly name?: string;
}

export function graph(spec: GraphSpec): GraphProto {
  return {
    name: spec.name ?? 'graph',
    node: spec.nodes.map(node),
    input: spec.inputs.map(valueInfo),
    output: spec.outputs.map(valueInfo),
    initializer: Object.entries(spec.initializers ?? {}).map(([name, t]) => tensorToProto(t, name) as TensorProto),
  };
}

export interface ModelSpec extends GraphSpec {
  /** Domain -> opset; ai.onnx defaults to 17. */
  readonly opsets?: Record<string, number>;
  readonly irVersion?: number;
}

export function modelProto(spec: ModelSpec): ModelProto {
  const opsets = { '': 17, ...spec.opsets };
  return {
    ir_version: spec.irVersion ?? 8,
    producer_name: 'onnxts-tests',
    opset_import: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
    graph: graph(spec),
  };
}

export function buildModel(spec: ModelSpec): Uint8Array {
  return encodeModelProto(modelProto(spec));
}

/** A model of one node whose inputs and outputs are the graph's. */
export function singleNodeModel(
  op: string,
  inputs: readonly ValueSpec[],
  outputs: readonly ValueSpec[],
  options: { attributes?: Record<string, AttributeValue>; opset?: number; domain?: string; initializers?: Record<string, DenseTensor> } = {},
): Uint8Array {
  const domain = options.domain ?? '';
  return buildModel({
    nodes: [{ op, domain, inputs: inputs.map((i) => i.name), outputs: outputs.map((o) => o.name), attributes: options.attributes }],
    inputs: inputs.filter((i) => !options.initializers?.[i.name]),
    outputs,
    initializers: options.initializers,
    opsets: { [domain]: options.opset ?? 17, ...(domain === '' ? {} : { '': 17 }) },
  });
}

export { DenseTensor };
