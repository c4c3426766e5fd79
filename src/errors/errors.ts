/**
 * Typed errors. Every message names what is at fault (the node, op, domain and opset; the input
 * or attribute; expected vs got) so a user can act on it without a debugger.
 */
/**
 * Every class spells out its `name`: bundlers minify class names, and users (and our browser
 * test) tell errors apart by it.
 */
export class OnnxTsError extends Error {
  override name = 'OnnxTsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type ModelFileProblem =
  | 'empty'
  | 'html'
  | 'git-lfs-pointer'
  | 'truncated'
  | 'not-onnx'
  | 'no-graph'
  | 'unsupported'
  | 'external-data'
  | 'unreadable';

/** The bytes given are not a model this runtime can load; `problem` says why in one word. */
export class ModelLoadError extends OnnxTsError {
  override name = 'ModelLoadError';
  constructor(readonly problem: ModelFileProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Where in a graph something went wrong, as the error messages print it. */
export interface NodeContext {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly opset?: number;
  /** The node's first output, which identifies an unnamed node. */
  readonly output?: string;
}

export function describeNode(node: NodeContext): string {
  const domain = node.domain === '' ? 'ai.onnx' : node.domain;
  const opset = node.opset === undefined ? '' : ` opset ${node.opset}`;
  const name = node.name !== '' ? `'${node.name}'` : node.output ? `(unnamed, output '${node.output}')` : '(unnamed)';
  return `node ${name} (${node.opType}, ${domain}${opset})`;
}

/** The graph breaks a structural rule: a cycle, a dangling input, two producers of one value. */
export class GraphValidationError extends OnnxTsError {
  override name = 'GraphValidationError';
  constructor(message: string, readonly node?: NodeContext) {
    super(node ? `${describeNode(node)}: ${message}` : message);
  }
}

export type KernelLookupFailure = 'unknown-op' | 'opset' | 'types';

/** No kernel can run a node; `failure` says which part of the lookup missed. */
export class KernelNotFoundError extends OnnxTsError {
  override name = 'KernelNotFoundError';
  constructor(readonly failure: KernelLookupFailure, message: string, readonly node: NodeContext) {
    super(`${describeNode(node)}: ${message}`);
  }
}

/** A node's attributes or inputs break the operator's contract. */
export class NodeError extends OnnxTsError {
  override name = 'NodeError';
  constructor(message: string, readonly node: NodeContext, options?: { cause?: unknown }) {
    super(`${describeNode(node)}: ${message}`, options);
  }
}

/** A feed, fetch or run option given to run() does not fit the model. */
export class InvalidFeedError extends OnnxTsError {
  override name = 'InvalidFeedError';
}

/** A session option or argument is not one the API accepts. */
export class InvalidArgumentError extends OnnxTsError {
  override name = 'InvalidArgumentError';
}

/** A kernel found its inputs or attributes invalid; the executor adds the node context. */
export class KernelInputError extends OnnxTsError {
  override name = 'KernelInputError';
}
