/** Everything the package exports, for every platform; the entry points add the platform. */
export { InferenceSession } from './api/inference-session.js';
export type { FeedsType, FetchesType, ReturnType, ValueMetadata } from './api/inference-session.js';
export type { ExternalDataFileDescription, RunOptions, SessionOptions } from './api/session-options.js';
export { Tensor } from './api/tensor.js';
export type { PublicValue as OnnxValue } from './api/value-conversion.js';
export { env } from './api/env.js';
export type { Env } from './api/env.js';
export {
  GraphValidationError, InvalidArgumentError, InvalidFeedError, KernelNotFoundError, ModelLoadError, NodeError, OnnxTsError,
} from './errors/errors.js';
export type { KernelLookupFailure, ModelFileProblem } from './errors/errors.js';
export { WorkerError } from './runtime/threads/worker-error.js';
