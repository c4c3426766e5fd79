/**
 * Writes a Model as an ONNX file through the platform; weights past protobuf's 2 GiB limit go
 * to `<file>.data` beside it. Used by optimizedModelFilePath and `onnxts optimize`.
 */
import { InvalidArgumentError } from '../errors/errors.js';
import type { Model } from '../ir/graph.js';
import { modelToProto } from '../ir/to-proto.js';
import { encodeModelProto } from '../onnx/encode.js';
import { modelForOnnxruntime } from '../optimizer/export-for-onnxruntime.js';
import { platform } from '../platform/platform.js';

export interface SavedFiles {
  readonly model: string;
  /** The external data file, when the weights needed one. */
  readonly externalData: string | null;
}

function concatenated(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export async function saveModel(model: Model, path: string): Promise<SavedFiles> {
  const write = platform().writeFile;
  if (!write) throw new InvalidArgumentError(`cannot save '${path}': this platform (${platform().name}) has no file system`);
  const fileName = path.split(/[\\/]/).pop() ?? path;
  const location = `${fileName}.data`;
  // Written for onnxruntime too: fused nodes it lacks go back to standard ops.
  const saved = modelToProto(modelForOnnxruntime(model), { externalData: { location } });
  await write(path, encodeModelProto(saved.proto));
  if (saved.externalData.length === 0) return { model: path, externalData: null };
  const dataPath = path.slice(0, path.length - fileName.length) + location;
  await write(dataPath, concatenated(saved.externalData));
  return { model: path, externalData: dataPath };
}
