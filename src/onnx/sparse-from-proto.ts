/** SparseTensorProto -> dense tensor (COO values + linear or per-axis indices). */
import { ModelLoadError } from '../errors/errors.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import { allocateStorage } from '../tensor/element-type.js';
import { sizeOf, stridesOf } from '../tensor/shape.js';
import { int64ToNumber } from './int64.js';
import type { SparseTensorProto, TensorProto } from './proto-types.js';
import { tensorFromProto } from './tensor-from-proto.js';

export function denseFromSparseProto(
  proto: SparseTensorProto,
  convert: (t: TensorProto) => DenseTensor = (t) => tensorFromProto(t),
): DenseTensor {
  const dims = (proto.dims ?? []).map((d) => int64ToNumber(d));
  if (!proto.values) throw new ModelLoadError('not-onnx', 'a sparse tensor has no values');
  const values = convert(proto.values);
  const indices = proto.indices ? convert(proto.indices) : undefined;
  const out = allocateStorage(values.type, sizeOf(dims)) as unknown as unknown[];
  const src = values.data as unknown as unknown[];
  const nnz = values.size;
  const strides = stridesOf(dims);
  const idx = indices ? Array.from(indices.data as BigInt64Array, Number) : [];
  const perAxis = indices !== undefined && indices.rank === 2;
  for (let k = 0; k < nnz; k++) {
    let offset = 0;
    if (perAxis) for (let a = 0; a < dims.length; a++) offset += idx[k * dims.length + a] * strides[a];
    else offset = idx[k];
    if (!(offset >= 0 && offset < out.length)) {
      throw new ModelLoadError('not-onnx', `sparse tensor index ${offset} is outside its shape [${dims.join(',')}]`);
    }
    out[offset] = src[k];
  }
  return new DenseTensor(values.type, dims, out as never);
}
