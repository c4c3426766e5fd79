/**
 * Errors across postMessage. Structured clone turns every Error subclass into a plain Error
 * (and drops fields such as ModelLoadError.problem), so the worker sends a record and the
 * caller's side rebuilds the same class, with the same message, fields and worker stack: a
 * caller tells an InvalidFeedError from a NodeError in a worker exactly as it would in-thread.
 */
import {
  GraphValidationError, InvalidArgumentError, InvalidFeedError, KernelInputError, KernelNotFoundError, ModelLoadError,
  NodeError, OnnxTsError, type KernelLookupFailure, type ModelFileProblem, type NodeContext,
} from '../../errors/errors.js';

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly problem?: ModelFileProblem;
  readonly failure?: KernelLookupFailure;
  readonly node?: NodeContext;
  readonly cause?: WireError;
}

/** How many causes deep a chain is sent; deeper links are dropped. */
const MAX_CAUSES = 4;

export function errorToWire(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields = error as Error & { problem?: ModelFileProblem; failure?: KernelLookupFailure; node?: NodeContext };
  const node = fields.node ? { ...fields.node } : undefined;
  const cause = depth < MAX_CAUSES && error.cause !== undefined ? errorToWire(error.cause, depth + 1) : undefined;
  return { name: error.name, message: error.message, stack: error.stack, problem: fields.problem, failure: fields.failure, node, cause };
}

/** The classes whose constructors prefix the node to the message: the message sent already has it. */
function construct(wire: WireError, cause: Error | undefined): Error {
  const options = cause ? { cause } : undefined;
  switch (wire.name) {
    case 'ModelLoadError':
      return new ModelLoadError(wire.problem ?? 'unreadable', wire.message, options);
    case 'NodeError':
      return wire.node ? new NodeError('', wire.node, options) : new OnnxTsError(wire.message, options);
    case 'KernelNotFoundError':
      return wire.node ? new KernelNotFoundError(wire.failure ?? 'unknown-op', '', wire.node) : new OnnxTsError(wire.message, options);
    case 'GraphValidationError':
      return new GraphValidationError('', wire.node);
    case 'InvalidFeedError':
      return new InvalidFeedError(wire.message, options);
    case 'InvalidArgumentError':
      return new InvalidArgumentError(wire.message, options);
    case 'KernelInputError':
      return new KernelInputError(wire.message, options);
    case 'OnnxTsError':
      return new OnnxTsError(wire.message, options);
    case 'TypeError':
      return new TypeError(wire.message, options);
    case 'RangeError':
      return new RangeError(wire.message, options);
    default: {
      // Another class (a DataCloneError, a user's): the name still says which.
      const error = new Error(wire.message, options);
      error.name = wire.name;
      return error;
    }
  }
}

export function errorFromWire(wire: WireError): Error {
  const error = construct(wire, wire.cause ? errorFromWire(wire.cause) : undefined);
  error.message = wire.message;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
