/**
 * Model bytes (+ where they came from) -> IR, resolving external data from in-memory files
 * (the externalData option) or through the platform, next to the model.
 */
import { ModelLoadError } from '../errors/errors.js';
import { modelFromProto } from '../ir/from-proto.js';
import type { Model } from '../ir/graph.js';
import { decodeModelProto } from '../onnx/decode-model.js';
import { checkedLocation, externalDataReference, sliceExternalData } from '../onnx/external-data.js';
import { externalTensorsOf } from '../onnx/external-tensors.js';
import type { TensorProto } from '../onnx/proto-types.js';
import { platform } from '../platform/platform.js';

export interface ModelSource {
  readonly bytes: Uint8Array;
  /** Path or URL the bytes came from; external data is looked up beside it. */
  readonly location?: string;
  /** External data files given in memory, by the path the model names them with. */
  readonly externalFiles?: ReadonlyMap<string, Uint8Array>;
  /** The bytes were read for this load and nobody reads them after it: weights may be aligned in place. */
  readonly ownsBytes?: boolean;
}

export async function loadModel(source: ModelSource): Promise<Model> {
  const label = source.location ? `'${source.location}'` : 'the model buffer';
  const proto = decodeModelProto(source.bytes, label);
  const external = new Map<TensorProto, Uint8Array>();
  for (const tensor of externalTensorsOf(proto)) {
    const ref = externalDataReference(tensor);
    const name = tensor.name ?? '';
    const inMemory = source.externalFiles?.get(ref.location);
    if (inMemory) {
      external.set(tensor, sliceExternalData(inMemory, ref, name));
    } else if (source.location) {
      external.set(tensor, await platform().readExternalData(source.location, ref.location, ref.offset, ref.length));
    } else {
      throw new ModelLoadError(
        'external-data',
        `tensor '${name}' keeps its data in '${ref.location}', but the model was given as bytes: ` +
          'pass that file through the externalData session option',
      );
    }
  }
  return modelFromProto(proto, external, source.ownsBytes);
}

/** Normalises the keys of in-memory external data the way model locations are normalised. */
export function externalFileKey(path: string): string {
  return checkedLocation(path, '(externalData option)');
}
