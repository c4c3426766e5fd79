/** Finds every TensorProto in a model that keeps its bytes in an external file. */
import { isExternal } from './external-data.js';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, SparseTensorProto, TensorProto } from './proto-types.js';

export function externalTensorsOf(model: ModelProto): TensorProto[] {
  const found: TensorProto[] = [];
  const tensor = (t: TensorProto | undefined): void => {
    if (t && isExternal(t)) found.push(t);
  };
  const sparse = (s: SparseTensorProto | undefined): void => {
    tensor(s?.values);
    tensor(s?.indices);
  };
  const attribute = (a: AttributeProto): void => {
    tensor(a.t);
    a.tensors?.forEach(tensor);
    sparse(a.sparse_tensor);
    a.sparse_tensors?.forEach(sparse);
    if (a.g) graph(a.g);
    a.graphs?.forEach(graph);
  };
  const nodes = (list: NodeProto[] | undefined): void => list?.forEach((n) => n.attribute?.forEach(attribute));
  function graph(g: GraphProto): void {
    g.initializer?.forEach(tensor);
    g.sparse_initializer?.forEach(sparse);
    nodes(g.node);
  }
  if (model.graph) graph(model.graph);
  model.functions?.forEach((f) => nodes(f.node));
  return found;
}
