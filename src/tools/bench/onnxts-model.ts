/** Loads a model file into an onnxts session for `onnxts bench`, with seeded random feeds bound. */
import { InferenceSession } from '../../api/inference-session.js';
import { Tensor } from '../../api/tensor.js';
import { bindSession, type LoadedModel, type OrtLikeModule, type OrtLikeSession } from './ort-like-runtime.js';
import { randomFeeds } from './random-feeds.js';

const ONNXTS: OrtLikeModule = { InferenceSession, Tensor };

export async function loadOnnxtsModel(location: string, threads: number, seed: number): Promise<LoadedModel> {
  const start = performance.now();
  const session = await InferenceSession.create(location, { intraOpNumThreads: threads });
  const createMs = performance.now() - start;
  return bindSession(ONNXTS, session as OrtLikeSession, randomFeeds(session.inputMetadata, seed), createMs);
}
