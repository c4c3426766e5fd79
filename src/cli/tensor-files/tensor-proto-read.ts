/** A serialized ONNX TensorProto (.pb, as the ONNX backend tests store inputs) -> DenseTensor. */
import { decodeSerializedValue } from '../../onnx/value-from-proto.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { TensorFileError } from './tensor-file-error.js';

export function readTensorProto(bytes: Uint8Array, file: string): DenseTensor {
  try {
    return decodeSerializedValue(bytes, 'tensor') as DenseTensor;
  } catch (error) {
    throw new TensorFileError(file, 'not-tensor-proto', `not a valid ONNX TensorProto: ${(error as Error).message}`, { cause: error });
  }
}
