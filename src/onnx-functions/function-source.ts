/**
 * How the library states an operator's function body: for a range of the operator's versions,
 * the body in the ONNX text syntax, written against `bodyOpset` of ai.onnx. Most bodies are
 * fixed text; a context-dependent one (ONNX's SetContextDependentFunctionBodyBuilder) is text
 * built from the calling node's attributes, which of its optional inputs and outputs it uses and,
 * rarely, an input's element type. Where ONNX's builder casts to an input's type, ours writes
 * CastLike against that input, which means the same and needs no type.
 */
import type { Attribute } from '../ir/graph.js';
import type { Dim } from '../ir/value-type.js';
import type { DataType } from '../tensor/element-type.js';

/** What a context-dependent body may depend on. */
export interface CallSite {
  /** The node's attribute, or undefined when the node leaves it to the default. */
  attribute(name: string): Attribute | undefined;
  int(name: string, fallback: number): number;
  float(name: string, fallback: number): number;
  string(name: string, fallback: string): string;
  ints(name: string): readonly number[] | undefined;
  /** Whether the node gives input (output) `index`: present and not ''. */
  hasInput(index: number): boolean;
  hasOutput(index: number): boolean;
  /** Input `index`'s element type where the graph declares it (graph inputs, initializers, value_info). */
  inputType(index: number): DataType | undefined;
  /** Input `index`'s shape where the graph declares it (a dim is a number, a name or unknown). */
  inputShape(index: number): readonly Dim[] | undefined;
}

export interface FunctionSource {
  readonly opType: string;
  /** First and last operator version (inclusive; open-ended when absent) this body defines. */
  readonly since: number;
  readonly until?: number;
  /** The ai.onnx opset the body's own nodes are written for. */
  readonly bodyOpset: number;
  /** A builder returns undefined where ONNX's would fail (an input type it needs is unknown). */
  readonly body: string | ((call: CallSite) => string | undefined);
}

/** Operator versions (and the opset each is written for) that ONNX gives the same body text. */
export type VersionRange = Pick<FunctionSource, 'since' | 'until' | 'bodyOpset'>;

/** One library entry per version range, all with the same body. */
export function sameBodyFor(opType: string, body: string, ...versions: readonly VersionRange[]): FunctionSource[] {
  return versions.map((range) => ({ opType, ...range, body }));
}
