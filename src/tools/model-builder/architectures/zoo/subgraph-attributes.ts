/**
 * Graph-valued attributes (Loop / If / Scan bodies), which the builder's attribute type does not
 * carry: a body is built as a model of its own by a second GraphBuilder, its graph taken out
 * and set on the node of the main model after the build.
 */
import { decodeModelProto } from '../../../../onnx/decode-model.js';
import { encodeModelProto } from '../../../../onnx/encode.js';
import type { GraphProto } from '../../../../onnx/proto-types.js';
import { ModelBuildError } from '../../model-build-error.js';

/** The graph of a model the builder encoded: a subgraph body, without the model around it. */
export function bodyGraph(bytes: Uint8Array): GraphProto {
  const graph = decodeModelProto(bytes).graph;
  if (!graph) throw new ModelBuildError('the body model has no graph');
  return graph;
}

/** Sets `attribute` of the node that outputs `output` to `graph`. */
export function withSubgraph(bytes: Uint8Array, output: string, attribute: string, graph: GraphProto): Uint8Array {
  const model = decodeModelProto(bytes);
  const node = model.graph?.node?.find((n) => n.output?.includes(output));
  if (!node) throw new ModelBuildError(`no node outputs '${output}'`);
  node.attribute = [...(node.attribute ?? []).filter((a) => a.name !== attribute), { name: attribute, type: 5, g: graph }];
  return encodeModelProto(model);
}
