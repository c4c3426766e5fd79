/**
 * Seeded feeds for a model given by file, made from its declared inputs the way `onnxts run`
 * makes them (random-tensor.ts): symbolic dimensions take 1.
 */
import type { ValueMetadata } from '../../api/inference-session.js';
import { InvalidFeedError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { randomTensor } from '../random-tensor.js';
import { SeededRandom } from '../seeded-random.js';

export function randomFeeds(inputs: readonly ValueMetadata[], seed: number): Map<string, DenseTensor> {
  const random = new SeededRandom(seed);
  const feeds = new Map<string, DenseTensor>();
  for (const meta of inputs) {
    if (!meta.isTensor) throw new InvalidFeedError(`input '${meta.name}' is not a tensor, so no random data can be made for it`);
    const dims = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
    feeds.set(meta.name, randomTensor(meta.type as DataType, dims, random));
  }
  return feeds;
}
