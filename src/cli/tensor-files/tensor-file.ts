/** Tensor files by extension: .npy, .pb (TensorProto) and .json in; .npy out. */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { readBytes, writeBytes } from '../../platform/node-files.js';
import { readJsonTensor } from './json-tensor-read.js';
import { readNpy } from './npy-read.js';
import { encodeNpy } from './npy-write.js';
import { TensorFileError } from './tensor-file-error.js';
import { readTensorProto } from './tensor-proto-read.js';

const READERS: Record<string, (bytes: Uint8Array, file: string, defaultType: DataType | undefined) => DenseTensor> = {
  '.npy': readNpy,
  '.pb': readTensorProto,
  '.json': (bytes, file, defaultType) => readJsonTensor(new TextDecoder().decode(bytes), file, defaultType),
};

/** `defaultType` types JSON nested arrays, which carry no type of their own. */
export async function readTensorFile(path: string, defaultType?: DataType): Promise<DenseTensor> {
  const extension = /\.[^./\\]*$/.exec(path)?.[0].toLowerCase() ?? '';
  const reader = READERS[extension];
  if (!reader) {
    const what = extension ? `'${extension}' is not a tensor file extension` : 'the file name has no extension';
    throw new TensorFileError(path, 'unknown-format', `${what}: use .npy, .pb (ONNX TensorProto) or .json`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(path);
  } catch (error) {
    throw new TensorFileError(path, 'unreadable', `cannot read the file: ${(error as Error).message}`, { cause: error });
  }
  return reader(bytes, path, defaultType);
}

export async function writeNpyFile(path: string, tensor: DenseTensor): Promise<void> {
  try {
    await writeBytes(path, encodeNpy(tensor));
  } catch (error) {
    throw new TensorFileError(path, 'unwritable', `cannot write the file: ${(error as Error).message}`, { cause: error });
  }
}
