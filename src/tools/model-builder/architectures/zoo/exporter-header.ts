/**
 * Rewrites a built model's envelope the way a given exporter writes it, without touching the
 * computation: the opset and IR version, the producer, symbolic (dynamic-axes) dimensions on
 * graph inputs and outputs, constants as Constant nodes instead of initializers (torch.onnx keeps
 * unfolded ones as nodes), and, below IR 4, every initializer also listed as a graph input (IR 3
 * required it; caffe2 and early exporters did it), with float and int64 initializers in the typed
 * `float_data` / `int64_data` fields instead of `raw_data`, as onnx-caffe2 wrote them.
 */
import { decodeModelProto } from '../../../../onnx/decode-model.js';
import { encodeModelProto } from '../../../../onnx/encode.js';
import type { NodeProto, TensorProto, ValueInfoProto } from '../../../../onnx/proto-types.js';

export interface ExporterHeader {
  readonly opset: number;
  readonly irVersion: number;
  readonly producer: string;
  readonly producerVersion?: string;
  /** Per graph input or output name, axis -> symbolic name (torch.onnx `dynamic_axes`). */
  readonly dynamicAxes?: Readonly<Record<string, Readonly<Record<number, string>>>>;
  /** Turns the builder's shared constants ('onnx::Constant_*') into Constant nodes. */
  readonly constantNodes?: boolean;
}

const SHARED_CONSTANT = 'onnx::Constant_';
const FLOAT = 1;
const INT64 = 7;

/** raw_data moved to float_data / int64_data (other types keep raw_data). */
function withTypedData(t: TensorProto): TensorProto {
  const raw = t.raw_data;
  if (!raw || (t.data_type !== FLOAT && t.data_type !== INT64)) return t;
  const bytes = raw.slice();
  const { raw_data: _, ...rest } = t;
  return t.data_type === FLOAT
    ? { ...rest, float_data: Array.from(new Float32Array(bytes.buffer)) }
    : { ...rest, int64_data: Array.from(new BigInt64Array(bytes.buffer), Number) };
}

function withSymbolicDims(info: ValueInfoProto, axes: Readonly<Record<number, string>> | undefined): ValueInfoProto {
  const dims = info.type?.tensor_type?.shape?.dim;
  if (!axes || !dims || !info.type?.tensor_type) return info;
  const dim = dims.map((d, axis) => (axes[axis] === undefined ? d : { dim_param: axes[axis] }));
  return { ...info, type: { ...info.type, tensor_type: { ...info.type.tensor_type, shape: { dim } } } };
}

export function withExporterHeader(bytes: Uint8Array, header: ExporterHeader): Uint8Array {
  const model = decodeModelProto(bytes);
  const graph = model.graph ?? {};
  let initializers = graph.initializer ?? [];
  let nodes = graph.node ?? [];
  if (header.constantNodes) {
    const constants = initializers.filter((t) => t.name?.startsWith(SHARED_CONSTANT));
    const asNodes: NodeProto[] = constants.map((t) => ({
      name: `/${t.name}`,
      op_type: 'Constant',
      domain: '',
      input: [],
      output: [t.name ?? ''],
      attribute: [{ name: 'value', type: 4, t: { ...t, name: undefined } }],
    }));
    initializers = initializers.filter((t) => !constants.includes(t));
    nodes = [...asNodes, ...nodes];
  }
  const axes = header.dynamicAxes ?? {};
  let inputs = (graph.input ?? []).map((i) => withSymbolicDims(i, axes[i.name ?? '']));
  if (header.irVersion < 4) {
    initializers = initializers.map(withTypedData);
    const listed = initializers.map((t): ValueInfoProto => ({
      name: t.name,
      type: { tensor_type: { elem_type: t.data_type, shape: { dim: (t.dims ?? []).map((d) => ({ dim_value: d })) } } },
    }));
    inputs = [...inputs, ...listed];
  }
  return encodeModelProto({
    ...model,
    ir_version: header.irVersion,
    producer_name: header.producer,
    producer_version: header.producerVersion ?? '',
    opset_import: [{ domain: '', version: header.opset }],
    graph: {
      ...graph,
      node: nodes,
      initializer: initializers,
      input: inputs,
      output: (graph.output ?? []).map((o) => withSymbolicDims(o, axes[o.name ?? ''])),
    },
  });
}
