/** DenseTensor -> TensorProto (raw_data little-endian; strings in string_data). */
import type { DenseTensor } from '../tensor/dense-tensor.js';
import { onnxCodeOf } from '../tensor/element-type.js';
import { elementsPerByte, packSubByte } from '../tensor/numeric/sub-byte.js';
import type { TensorProto } from './proto-types.js';

const utf8 = new TextEncoder();

export function tensorToProto(tensor: DenseTensor, name = ''): TensorProto {
  const proto: TensorProto = { name, dims: [...tensor.dims], data_type: onnxCodeOf(tensor.type) };
  if (tensor.type === 'string') {
    proto.string_data = (tensor.data as string[]).map((s) => utf8.encode(s));
  } else if (elementsPerByte(tensor.type) > 1) {
    proto.raw_data = packSubByte(tensor.type, tensor.data as Uint8Array);
  } else {
    const data = tensor.data as Exclude<DenseTensor['data'], string[]>;
    proto.raw_data = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  return proto;
}
