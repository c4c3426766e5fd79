/**
 * The in-memory model: graphs of nodes over named values, with initializers, declared value
 * types, subgraphs (inside graph attributes) and model-local functions. Names live here and in
 * the planner only; execution works on integer slots.
 */
import type { DenseTensor } from '../tensor/dense-tensor.js';
import type { ValueType } from './value-type.js';

export type Attribute =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'string'; readonly value: string; readonly bytes: Uint8Array }
  | { readonly type: 'tensor'; readonly value: DenseTensor }
  | { readonly type: 'sparse-tensor'; readonly value: DenseTensor }
  | { readonly type: 'graph'; readonly value: Graph }
  | { readonly type: 'type'; readonly value: ValueType }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  | { readonly type: 'tensors'; readonly value: readonly DenseTensor[] }
  | { readonly type: 'sparse-tensors'; readonly value: readonly DenseTensor[] }
  | { readonly type: 'graphs'; readonly value: readonly Graph[] }
  | { readonly type: 'types'; readonly value: readonly ValueType[] }
  /** Inside a function body: takes the calling node's attribute of that name. */
  | { readonly type: 'reference'; readonly value: string };

export type AttributeType = Attribute['type'];

export interface Node {
  readonly name: string;
  readonly opType: string;
  /** '' is ai.onnx. */
  readonly domain: string;
  /** '' marks an omitted optional input or output. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, Attribute>;
}

export interface ValueInfo {
  readonly name: string;
  readonly type: ValueType | undefined;
}

export interface Graph {
  readonly name: string;
  readonly nodes: readonly Node[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: ReadonlyMap<string, DenseTensor>;
  /** Declared types of intermediate values (value_info), by name. */
  readonly valueInfo: ReadonlyMap<string, ValueType>;
}

export interface FunctionDef {
  readonly name: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Attribute names the function accepts, with defaults where the function gives one. */
  readonly attributeDefaults: ReadonlyMap<string, Attribute | undefined>;
  readonly nodes: readonly Node[];
  readonly opsetImports: ReadonlyMap<string, number>;
}

export interface Model {
  readonly irVersion: number;
  /** Domain ('' for ai.onnx) -> opset version. */
  readonly opsetImports: ReadonlyMap<string, number>;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly domain: string;
  readonly modelVersion: number;
  readonly docString: string;
  readonly metadata: ReadonlyMap<string, string>;
  readonly graph: Graph;
  /** Model-local functions by `domain:name`. */
  readonly functions: ReadonlyMap<string, FunctionDef>;
}

export function functionKey(domain: string, name: string): string {
  return `${domain}:${name}`;
}

/** ai.onnx is spelled '' or 'ai.onnx' in the wild; one spelling everywhere else. */
export function canonicalDomain(domain: string | undefined): string {
  return domain === undefined || domain === 'ai.onnx' ? '' : domain;
}
