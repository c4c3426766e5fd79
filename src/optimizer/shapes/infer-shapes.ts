/**
 * InferShapes: the element type and shape of every value a rule can work out, recorded in
 * graph.valueInfo for the passes after it (and for saved models). Symbolic dims stay names;
 * names bound by freeDimensionOverrides become their sizes first. The graph inputs keep their
 * declared types: feeds are checked against the names, which the overrides bind, so values
 * inferred from bound sizes hold. Declared value_info fills in what inference cannot know;
 * where both know, inference wins.
 */
import type { Graph, Node, ValueInfo } from '../../ir/graph.js';
import type { Dim, ValueType } from '../../ir/value-type.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { evaluateNode } from '../evaluate-node.js';
import { tensorTypeOf, type TensorType } from '../graph-index.js';
import { graphPass, type GraphScope } from '../graph-pass.js';
import { numbersOf } from '../node-values.js';
import { elementwiseShapeRules } from './elementwise-shapes.js';
import { layoutShapeRules } from './layout-shapes.js';
import { nnShapeRules } from './nn-shapes.js';
import type { ShapeInput, ShapeRule } from './shape-rule.js';
import { elementsOfOutput, MAX_TRACKED_ELEMENTS } from './shape-values.js';
import { tensorShapeRules } from './tensor-shapes.js';

const RULES = new Map<string, ShapeRule>(
  [...elementwiseShapeRules, ...tensorShapeRules, ...nnShapeRules, ...layoutShapeRules].map(([op, rule]) => [op.includes(':') ? op : `:${op}`, rule]),
);

const INTEGER_TYPES = new Set(['int64', 'int32']);
const NOTHING: ShapeInput = { type: undefined, value: undefined, elements: undefined };

function bindDims(type: ValueType | undefined, overrides: ReadonlyMap<string, number>): ValueType | undefined {
  if (overrides.size === 0 || type?.kind !== 'tensor' || !type.shape?.some((d) => typeof d === 'string' && overrides.has(d))) return type;
  return { ...type, shape: type.shape.map((d) => (typeof d === 'string' ? overrides.get(d) ?? d : d)) };
}

/** The more specific of two dims: a size beats a name beats unknown; inference wins ties. */
function mergeDim(inferred: Dim, declared: Dim): Dim {
  if (typeof inferred === 'number' || declared === undefined) return inferred;
  if (typeof declared === 'number' || inferred === undefined) return declared;
  return inferred;
}

function mergeTypes(inferred: TensorType | undefined, declared: ValueType | undefined): ValueType | undefined {
  if (!inferred || (inferred.elementType === undefined && inferred.shape === undefined)) return declared;
  if (declared?.kind !== 'tensor') return inferred;
  const shape = !inferred.shape || !declared.shape || inferred.shape.length !== declared.shape.length
    ? inferred.shape ?? declared.shape
    : inferred.shape.map((d, i) => mergeDim(d, declared.shape?.[i]));
  return { kind: 'tensor', elementType: inferred.elementType ?? declared.elementType, shape };
}

function elementsOfConstant(tensor: DenseTensor): Dim[] | undefined {
  return INTEGER_TYPES.has(tensor.type) && tensor.rank <= 1 && tensor.size <= MAX_TRACKED_ELEMENTS ? numbersOf(tensor) : undefined;
}

function sameType(a: ValueType | undefined, b: ValueType | undefined): boolean {
  if (a?.kind !== 'tensor' || b?.kind !== 'tensor') return JSON.stringify(a) === JSON.stringify(b);
  if (a.elementType !== b.elementType || (a.shape === undefined) !== (b.shape === undefined)) return false;
  return !a.shape || (a.shape.length === b.shape?.length && a.shape.every((d, i) => d === b.shape?.[i]));
}

class ShapeWalk {
  readonly types = new Map<string, ValueType | undefined>();
  private readonly constants = new Map<string, DenseTensor>();
  private readonly elements = new Map<string, Dim[]>();

  constructor(private readonly graph: Graph, private readonly scope: GraphScope) {}

  input(name: string): ShapeInput {
    if (!name) return NOTHING;
    const type = this.types.get(name);
    return { type: type?.kind === 'tensor' ? type : undefined, value: this.constants.get(name), elements: this.elements.get(name) };
  }

  seed(inputs: readonly ValueInfo[]): void {
    for (const [name, type] of this.scope.outerTypes) this.types.set(name, this.bind(type));
    const fed = new Set(inputs.map((i) => i.name));
    for (const input of inputs) this.types.set(input.name, this.bind(input.type));
    for (const [name, tensor] of this.graph.initializers) {
      if (fed.has(name)) continue;
      this.types.set(name, tensorTypeOf(tensor));
      this.constants.set(name, tensor);
      const elements = elementsOfConstant(tensor);
      if (elements) this.elements.set(name, elements);
    }
  }

  private bind(type: ValueType | undefined): ValueType | undefined {
    return bindDims(type, this.scope.freeDimensionOverrides);
  }

  visit(node: Node): void {
    const opset = this.scope.opsets.get(node.domain) ?? 1;
    const inputs = node.inputs.map((name) => this.input(name));
    let inferred: readonly (TensorType | undefined)[] = [];
    if (node.opType === 'Constant' && node.domain === '') {
      const value = evaluateNode(node, [], this.scope.registry, opset)?.[0];
      if (value) {
        this.constants.set(node.outputs[0], value);
        inferred = [tensorTypeOf(value)];
      }
    } else {
      try {
        inferred = RULES.get(`${node.domain}:${node.opType}`)?.(node, inputs, opset) ?? [];
      } catch {
        // A node a rule cannot make sense of is invalid; its kernel will say why when it runs.
      }
    }
    node.outputs.forEach((name, i) => {
      if (name) this.types.set(name, mergeTypes(inferred[i], this.bind(this.graph.valueInfo.get(name))));
    });
    const out = node.outputs[0];
    const outType = out ? this.types.get(out) : undefined;
    const constant = out ? this.constants.get(out) : undefined;
    const elements = constant ? elementsOfConstant(constant) : outType?.kind === 'tensor' && INTEGER_TYPES.has(outType.elementType ?? '')
      ? elementsOfOutput(node, inputs, opset) : undefined;
    if (elements) this.elements.set(out, elements);
  }
}

export const inferShapes = graphPass({
  name: 'InferShapes',
  level: 'basic',
  rewrite(graph, scope) {
    const walk = new ShapeWalk(graph, scope);
    walk.seed(graph.inputs);
    for (const node of graph.nodes) walk.visit(node);
    const valueInfo = new Map<string, ValueType>();
    for (const node of graph.nodes) {
      for (const name of node.outputs) {
        const type = name ? walk.types.get(name) : undefined;
        if (type) valueInfo.set(name, type);
      }
    }
    const changed = [...valueInfo].filter(([name, type]) => !sameType(type, graph.valueInfo.get(name))).length;
    if (changed === 0 && valueInfo.size === graph.valueInfo.size) return undefined;
    return { graph: { ...graph, valueInfo }, rewrites: changed };
  },
});
