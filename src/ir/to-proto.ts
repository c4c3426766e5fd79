/**
 * Model (the IR) -> ModelProto, for saving: the inverse of from-proto.ts. Initializers are
 * written as raw_data; sparse ones, which the IR holds dense, are written dense. When the
 * weights would push the message past protobuf's 2 GiB limit and a location is given, they
 * go to an external data file instead, whose bytes the caller writes beside the model.
 */
import type {
  AttributeProto, FunctionProto, GraphProto, ModelProto, NodeProto, SparseTensorProto, TensorProto, TypeProto, ValueInfoProto,
} from '../onnx/proto-types.js';
import { tensorToProto } from '../onnx/tensor-to-proto.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import { allocateStorage, onnxCodeOf, wireBitsOf } from '../tensor/element-type.js';
import type { Attribute, FunctionDef, Graph, Model, Node, ValueInfo } from './graph.js';
import type { ValueType } from './value-type.js';

const utf8 = new TextEncoder();

export interface ExternalDataOptions {
  /** The data file's path relative to the model, as the tensors' external_data names it. */
  readonly location: string;
  /** Total initializer bytes above which they move out; by default a margin under 2 GiB, for the rest of the model. */
  readonly thresholdBytes?: number;
}

export interface SavedModel {
  readonly proto: ModelProto;
  /** The external data file's contents in order (empty when everything stayed inline). */
  readonly externalData: readonly Uint8Array[];
}

const DEFAULT_THRESHOLD = 2 ** 31 - 2 ** 26;
/** Tensors smaller than this stay inline even when the others move out (onnxruntime's default too). */
const MIN_EXTERNAL_BYTES = 1024;

export function typeToProto(type: ValueType): TypeProto {
  const shape = (dims: readonly (number | string | undefined)[] | undefined) =>
    dims && { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {})) };
  switch (type.kind) {
    case 'tensor':
      return { tensor_type: { elem_type: type.elementType ? onnxCodeOf(type.elementType) : 0, shape: shape(type.shape) } };
    case 'sparse-tensor':
      return { sparse_tensor_type: { elem_type: type.elementType ? onnxCodeOf(type.elementType) : 0, shape: shape(type.shape) } };
    case 'sequence':
      return { sequence_type: { elem_type: type.elementType && typeToProto(type.elementType) } };
    case 'map':
      return { map_type: { key_type: type.keyType ? onnxCodeOf(type.keyType) : 0, value_type: type.valueType && typeToProto(type.valueType) } };
    case 'optional':
      return { optional_type: { elem_type: type.elementType && typeToProto(type.elementType) } };
    case 'opaque':
      return { opaque_type: {} };
  }
}

function valueInfoToProto(v: ValueInfo): ValueInfoProto {
  return v.type ? { name: v.name, type: typeToProto(v.type) } : { name: v.name };
}

/** A dense tensor as COO: its non-zero values and their linear indices. */
function sparseToProto(tensor: DenseTensor): SparseTensorProto {
  const data = tensor.data as unknown as ArrayLike<unknown>;
  const at: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] !== 0 && data[i] !== 0n && data[i] !== '') at.push(i);
  const values = allocateStorage(tensor.type, at.length) as unknown as unknown[];
  at.forEach((i, k) => (values[k] = data[i]));
  return {
    dims: [...tensor.dims],
    values: tensorToProto(new DenseTensor(tensor.type, [at.length], values as never)),
    indices: tensorToProto(new DenseTensor('int64', [at.length], BigInt64Array.from(at, BigInt))),
  };
}

function attributeToProto(name: string, a: Attribute, tensor: (t: DenseTensor) => TensorProto): AttributeProto {
  switch (a.type) {
    case 'float': return { name, type: 1, f: a.value };
    case 'int': return { name, type: 2, i: a.value };
    case 'string': return { name, type: 3, s: a.bytes };
    case 'tensor': return { name, type: 4, t: tensor(a.value) };
    case 'graph': return { name, type: 5, g: graphToProto(a.value, tensor) };
    case 'floats': return { name, type: 6, floats: [...a.value] };
    case 'ints': return { name, type: 7, ints: [...a.value] };
    case 'strings': return { name, type: 8, strings: a.value.map((v) => utf8.encode(v)) };
    case 'tensors': return { name, type: 9, tensors: a.value.map(tensor) };
    case 'graphs': return { name, type: 10, graphs: a.value.map((g) => graphToProto(g, tensor)) };
    case 'sparse-tensor': return { name, type: 11, sparse_tensor: sparseToProto(a.value) };
    case 'sparse-tensors': return { name, type: 12, sparse_tensors: a.value.map(sparseToProto) };
    case 'type': return { name, type: 13, tp: typeToProto(a.value) };
    case 'types': return { name, type: 14, type_protos: a.value.map(typeToProto) };
    case 'reference': return { name, ref_attr_name: a.value };
  }
}

function nodeToProto(node: Node, tensor: (t: DenseTensor) => TensorProto): NodeProto {
  return {
    name: node.name,
    op_type: node.opType,
    domain: node.domain,
    input: [...node.inputs],
    output: [...node.outputs],
    attribute: [...node.attributes].map(([name, a]) => attributeToProto(name, a, tensor)),
  };
}

function graphToProto(graph: Graph, tensor: (t: DenseTensor, name?: string) => TensorProto): GraphProto {
  return {
    name: graph.name,
    node: graph.nodes.map((n) => nodeToProto(n, tensor)),
    initializer: [...graph.initializers].map(([name, t]) => tensor(t, name)),
    input: graph.inputs.map(valueInfoToProto),
    output: graph.outputs.map(valueInfoToProto),
    // An entry without an element type says nothing a reader can use (and onnxruntime refuses type 0).
    value_info: [...graph.valueInfo]
      .filter(([, type]) => type.kind !== 'tensor' || type.elementType !== undefined)
      .map(([name, type]) => valueInfoToProto({ name, type })),
  };
}

function functionToProto(fn: FunctionDef, tensor: (t: DenseTensor) => TensorProto): FunctionProto {
  const defaults = [...fn.attributeDefaults];
  return {
    name: fn.name,
    domain: fn.domain,
    input: [...fn.inputs],
    output: [...fn.outputs],
    attribute: defaults.filter(([, a]) => a === undefined).map(([name]) => name),
    attribute_proto: defaults.flatMap(([name, a]) => (a ? [attributeToProto(name, a, tensor)] : [])),
    node: fn.nodes.map((n) => nodeToProto(n, tensor)),
    opset_import: [...fn.opsetImports].map(([domain, version]) => ({ domain, version })),
  };
}

function initializerBytes(graph: Graph): number {
  let total = 0;
  for (const t of graph.initializers.values()) total += t.type === 'string' ? 0 : Math.ceil((t.size * wireBitsOf(t.type)) / 8);
  for (const node of graph.nodes) {
    for (const a of node.attributes.values()) {
      if (a.type === 'graph') total += initializerBytes(a.value);
      else if (a.type === 'graphs') for (const g of a.value) total += initializerBytes(g);
    }
  }
  return total;
}

/**
 * The model as a ModelProto. With `externalData`, initializers of MIN_EXTERNAL_BYTES or more
 * move to the data file when all of them together pass the threshold.
 */
export function modelToProto(model: Model, options: { externalData?: ExternalDataOptions } = {}): SavedModel {
  const external = options.externalData;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const outside = external !== undefined && initializerBytes(model.graph) > (external.thresholdBytes ?? DEFAULT_THRESHOLD);
  const tensor = (t: DenseTensor, name = ''): TensorProto => {
    const proto = tensorToProto(t, name);
    const raw = proto.raw_data;
    if (!outside || !raw || raw.byteLength < MIN_EXTERNAL_BYTES || name === '') return proto;
    chunks.push(raw);
    const entry = { location: external.location, offset: String(offset), length: String(raw.byteLength) };
    offset += raw.byteLength;
    return {
      name: proto.name,
      dims: proto.dims,
      data_type: proto.data_type,
      data_location: 1,
      external_data: Object.entries(entry).map(([key, value]) => ({ key, value })),
    };
  };
  const proto: ModelProto = {
    ir_version: model.irVersion,
    opset_import: [...model.opsetImports].map(([domain, version]) => ({ domain, version })),
    producer_name: model.producerName,
    producer_version: model.producerVersion,
    domain: model.domain,
    model_version: model.modelVersion,
    doc_string: model.docString,
    metadata_props: [...model.metadata].map(([key, value]) => ({ key, value })),
    graph: graphToProto(model.graph, tensor),
    functions: [...model.functions.values()].map((f) => functionToProto(f, tensor)),
  };
  return { proto, externalData: chunks };
}
