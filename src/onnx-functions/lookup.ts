/**
 * Finds the standard function body for an ai.onnx node at the model's opset, following ONNX's
 * rule (OpSchema::GetFunction): take the operator version the opset selects, then the body
 * among that version's bodies written for the newest opset not above the model's. Only then are
 * the body's nodes valid at the model's opset, where the runtime plans them.
 */
import type { Attribute, FunctionDef, Node } from '../ir/graph.js';
import type { ValueType } from '../ir/value-type.js';
import type { CallSite, FunctionSource } from './function-source.js';
import { standardFunctionBodies } from './library/index.js';
import { parseFunction } from './parser.js';

const byOp = new Map<string, FunctionSource[]>();
for (const source of standardFunctionBodies) {
  const list = byOp.get(source.opType) ?? [];
  list.push(source);
  byOp.set(source.opType, list);
}

const parsed = new Map<FunctionSource, FunctionDef>();

function withOpset(fn: FunctionDef, opset: number): FunctionDef {
  return fn.opsetImports.size > 0 ? fn : { ...fn, opsetImports: new Map([['', opset]]) };
}

function numberOf(a: Attribute | undefined): number | undefined {
  return a?.type === 'int' || a?.type === 'float' ? a.value : undefined;
}

/** Types of the values the graph around a node declares, by name. */
export type DeclaredTypes = (name: string) => ValueType | undefined;

function callSiteOf(node: Node, declared: DeclaredTypes): CallSite {
  const present = (names: readonly string[], i: number): boolean => i < names.length && names[i] !== '';
  const tensorType = (i: number) => {
    const type = present(node.inputs, i) ? declared(node.inputs[i]) : undefined;
    return type?.kind === 'tensor' ? type : undefined;
  };
  return {
    attribute: (name) => node.attributes.get(name),
    int: (name, fallback) => numberOf(node.attributes.get(name)) ?? fallback,
    float: (name, fallback) => numberOf(node.attributes.get(name)) ?? fallback,
    string: (name, fallback) => {
      const a = node.attributes.get(name);
      return a?.type === 'string' ? a.value : fallback;
    },
    ints: (name) => {
      const a = node.attributes.get(name);
      return a?.type === 'ints' ? a.value : undefined;
    },
    hasInput: (i) => present(node.inputs, i),
    hasOutput: (i) => present(node.outputs, i),
    inputType: (i) => tensorType(i)?.elementType,
    inputShape: (i) => tensorType(i)?.shape,
  };
}

/** The operator names the library has at least one body for. */
export function standardFunctionOps(): string[] {
  return [...byOp.keys()];
}

/** The ai.onnx function body for `node` at `opset`, or undefined when ONNX defines none there. */
export function standardFunctionBody(node: Node, opset: number, declared: DeclaredTypes = () => undefined): FunctionDef | undefined {
  if (node.domain !== '') return undefined;
  const sources = byOp.get(node.opType);
  if (!sources) return undefined;
  const version = Math.max(...sources.filter((s) => s.since <= opset).map((s) => s.since), -1);
  const usable = sources
    .filter((s) => s.since === version && (s.until === undefined || opset <= s.until) && s.bodyOpset <= opset)
    .sort((a, b) => b.bodyOpset - a.bodyOpset);
  const source = usable[0];
  if (!source) return undefined;
  if (typeof source.body !== 'string') {
    const text = source.body(callSiteOf(node, declared));
    return text === undefined ? undefined : withOpset(parseFunction(text), source.bodyOpset);
  }
  let fn = parsed.get(source);
  if (!fn) {
    fn = withOpset(parseFunction(source.body), source.bodyOpset);
    parsed.set(source, fn);
  }
  return fn;
}
