/** ModelProto (decoded protobuf) -> Model (the IR). Pure and synchronous: external bytes come resolved. */
import { ModelLoadError } from '../errors/errors.js';
import { int64ToNearestNumber, int64ToNumber } from '../onnx/int64.js';
import type {
  AttributeProto, FunctionProto, GraphProto, ModelProto, NodeProto, TensorProto, TypeProto, ValueInfoProto,
} from '../onnx/proto-types.js';
import { denseFromSparseProto } from '../onnx/sparse-from-proto.js';
import { tensorFromProto } from '../onnx/tensor-from-proto.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import { dataTypeFromOnnx } from '../tensor/element-type.js';
import {
  canonicalDomain, functionKey, type Attribute, type FunctionDef, type Graph, type Model, type Node, type ValueInfo,
} from './graph.js';
import type { Dim, ValueType } from './value-type.js';

const utf8 = new TextDecoder();

export type ExternalBytes = ReadonlyMap<TensorProto, Uint8Array>;

export function valueTypeFromProto(proto: TypeProto | undefined): ValueType | undefined {
  if (!proto) return undefined;
  const shapeOf = (shape: { dim?: { dim_value?: unknown; dim_param?: string; value?: string }[] } | undefined) =>
    shape?.dim?.map((d): Dim => {
      if (d.value === 'dim_param' || (d.dim_param !== undefined && d.dim_param !== '')) return d.dim_param;
      if (d.value === 'dim_value') return int64ToNumber(d.dim_value as never);
      return undefined;
    });
  if (proto.tensor_type) {
    return { kind: 'tensor', elementType: dataTypeFromOnnx(proto.tensor_type.elem_type ?? 0), shape: shapeOf(proto.tensor_type.shape) };
  }
  if (proto.sparse_tensor_type) {
    return { kind: 'sparse-tensor', elementType: dataTypeFromOnnx(proto.sparse_tensor_type.elem_type ?? 0), shape: shapeOf(proto.sparse_tensor_type.shape) };
  }
  if (proto.sequence_type) return { kind: 'sequence', elementType: valueTypeFromProto(proto.sequence_type.elem_type) };
  if (proto.map_type) {
    return { kind: 'map', keyType: dataTypeFromOnnx(proto.map_type.key_type ?? 0), valueType: valueTypeFromProto(proto.map_type.value_type) };
  }
  if (proto.optional_type) return { kind: 'optional', elementType: valueTypeFromProto(proto.optional_type.elem_type) };
  if (proto.opaque_type) return { kind: 'opaque' };
  return undefined;
}

class IrBuilder {
  constructor(private readonly external: ExternalBytes, private readonly ownsModelBytes: boolean) {}

  tensor(proto: TensorProto): DenseTensor {
    return tensorFromProto(proto, this.external.get(proto), this.ownsModelBytes);
  }

  attribute(proto: AttributeProto): Attribute {
    if (proto.ref_attr_name) return { type: 'reference', value: proto.ref_attr_name };
    switch (proto.type ?? inferAttributeType(proto)) {
      case 1: return { type: 'float', value: proto.f ?? 0 };
      case 2: return { type: 'int', value: int64ToNearestNumber(proto.i) };
      case 3: {
        const bytes = proto.s ?? new Uint8Array(0);
        return { type: 'string', value: utf8.decode(bytes), bytes };
      }
      case 4: return { type: 'tensor', value: this.tensor(proto.t ?? {}) };
      case 5: return { type: 'graph', value: this.graph(proto.g ?? {}) };
      case 11: return { type: 'sparse-tensor', value: denseFromSparseProto(proto.sparse_tensor ?? {}, (t) => this.tensor(t)) };
      case 13: return { type: 'type', value: valueTypeFromProto(proto.tp) ?? { kind: 'opaque' } };
      case 6: return { type: 'floats', value: proto.floats ?? [] };
      case 7: return { type: 'ints', value: (proto.ints ?? []).map(int64ToNearestNumber) };
      case 8: return { type: 'strings', value: (proto.strings ?? []).map((b) => utf8.decode(b)) };
      case 9: return { type: 'tensors', value: (proto.tensors ?? []).map((t) => this.tensor(t)) };
      case 10: return { type: 'graphs', value: (proto.graphs ?? []).map((g) => this.graph(g)) };
      case 12: return { type: 'sparse-tensors', value: (proto.sparse_tensors ?? []).map((s) => denseFromSparseProto(s, (t) => this.tensor(t))) };
      case 14: return { type: 'types', value: (proto.type_protos ?? []).map((t) => valueTypeFromProto(t) ?? { kind: 'opaque' as const }) };
      default:
        throw new ModelLoadError('not-onnx', `attribute '${proto.name ?? ''}' has unknown type ${proto.type}`);
    }
  }

  node(proto: NodeProto): Node {
    const attributes = new Map<string, Attribute>();
    for (const a of proto.attribute ?? []) attributes.set(a.name ?? '', this.attribute(a));
    return {
      name: proto.name ?? '',
      opType: proto.op_type ?? '',
      domain: canonicalDomain(proto.domain),
      inputs: proto.input ?? [],
      outputs: proto.output ?? [],
      attributes,
    };
  }

  valueInfo(proto: ValueInfoProto): ValueInfo {
    return { name: proto.name ?? '', type: valueTypeFromProto(proto.type) };
  }

  graph(proto: GraphProto): Graph {
    const initializers = new Map<string, DenseTensor>();
    for (const t of proto.initializer ?? []) initializers.set(t.name ?? '', this.tensor(t));
    for (const s of proto.sparse_initializer ?? []) {
      initializers.set(s.values?.name ?? '', denseFromSparseProto(s, (t) => this.tensor(t)));
    }
    const valueInfo = new Map<string, ValueType>();
    for (const v of proto.value_info ?? []) {
      const type = valueTypeFromProto(v.type);
      if (type && v.name) valueInfo.set(v.name, type);
    }
    return {
      name: proto.name ?? '',
      nodes: (proto.node ?? []).map((n) => this.node(n)),
      inputs: (proto.input ?? []).map((v) => this.valueInfo(v)),
      outputs: (proto.output ?? []).map((v) => this.valueInfo(v)),
      initializers,
      valueInfo,
    };
  }

  function(proto: FunctionProto): FunctionDef {
    const attributeDefaults = new Map<string, Attribute | undefined>();
    for (const name of proto.attribute ?? []) attributeDefaults.set(name, undefined);
    for (const a of proto.attribute_proto ?? []) attributeDefaults.set(a.name ?? '', this.attribute(a));
    return {
      name: proto.name ?? '',
      domain: canonicalDomain(proto.domain),
      inputs: proto.input ?? [],
      outputs: proto.output ?? [],
      attributeDefaults,
      nodes: (proto.node ?? []).map((n) => this.node(n)),
      opsetImports: opsetMap(proto.opset_import ?? []),
    };
  }
}

/** Old exporters leave AttributeProto.type unset; the populated field tells it. */
function inferAttributeType(p: AttributeProto): number {
  if (p.floats?.length) return 6;
  if (p.ints?.length) return 7;
  if (p.strings?.length) return 8;
  if (p.tensors?.length) return 9;
  if (p.graphs?.length) return 10;
  if (p.t) return 4;
  if (p.g) return 5;
  if (p.s?.length) return 3;
  if (p.i !== undefined && int64ToNearestNumber(p.i) !== 0) return 2;
  if (p.f !== undefined && p.f !== 0) return 1;
  return 2;
}

function opsetMap(imports: readonly { domain?: string; version?: unknown }[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const o of imports) map.set(canonicalDomain(o.domain), int64ToNumber(o.version as never));
  return map;
}

/**
 * `ownsModelBytes`: `proto` was decoded from bytes this runtime read itself (a path or URL) and
 * reads no more, so weights at misaligned offsets are moved into place there instead of copied.
 */
export function modelFromProto(proto: ModelProto, external: ExternalBytes = new Map(), ownsModelBytes = false): Model {
  const builder = new IrBuilder(external, ownsModelBytes);
  const opsetImports = opsetMap(proto.opset_import ?? []);
  // IR version 1-2 models predate opset_import and mean ai.onnx opset 1.
  if (opsetImports.size === 0) opsetImports.set('', 1);
  const functions = new Map<string, FunctionDef>();
  for (const f of proto.functions ?? []) {
    const def = builder.function(f);
    functions.set(functionKey(def.domain, def.name), def);
  }
  return {
    irVersion: int64ToNumber(proto.ir_version),
    opsetImports,
    producerName: proto.producer_name ?? '',
    producerVersion: proto.producer_version ?? '',
    domain: proto.domain ?? '',
    modelVersion: int64ToNumber(proto.model_version),
    docString: proto.doc_string ?? '',
    metadata: new Map((proto.metadata_props ?? []).map((e) => [e.key ?? '', e.value ?? ''])),
    graph: builder.graph(proto.graph ?? {}),
    functions,
  };
}
