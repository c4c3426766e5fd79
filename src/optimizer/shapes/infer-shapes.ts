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
import { sameType } from '../value-types.js';
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

/** Per tensor: tensors are immutable, and one array per tensor lets the node memo below compare by identity. */
const constantElements = new WeakMap<DenseTensor, Dim[] | null>();

function elementsOfConstant(tensor: DenseTensor): Dim[] | undefined {
  let elements = constantElements.get(tensor);
  if (elements === undefined) {
    const tracked = INTEGER_TYPES.has(tensor.type) && tensor.rank <= 1 && tensor.size <= MAX_TRACKED_ELEMENTS;
    constantElements.set(tensor, (elements = (tracked ? numbersOf(tensor) : undefined) ?? null));
  }
  return elements ?? undefined;
}

/** What a node's rule (or its Constant value) gave for one set of inputs. */
interface NodeInference {
  readonly opset: number;
  readonly inputs: readonly ShapeInput[];
  readonly inferred: readonly (TensorType | undefined)[];
  readonly constant: DenseTensor | undefined;
  /** The first output's elements; absent until asked for. */
  elements?: Dim[] | null;
}

/**
 * The last inference per node. Nodes are immutable and InferShapes runs every round over
 * graphs that mostly did not change; a node whose inputs are the very same objects as last
 * time gets the same results back, which keeps types identical downstream as well.
 */
const inferences = new WeakMap<Node, NodeInference>();

function sameInputs(a: readonly ShapeInput[], b: readonly ShapeInput[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].type !== b[i].type || a[i].value !== b[i].value || a[i].elements !== b[i].elements) return false;
  }
  return true;
}

class ShapeWalk {
  readonly types = new Map<string, ValueType | undefined>();
  private readonly constants = new Map<string, DenseTensor>();
  private readonly elements = new Map<string, Dim[]>();

  constructor(private readonly graph: Graph, private readonly scope: GraphScope) {}

  input(name: string): ShapeInput {
    if (!name) return NOTHING;
    const type = this.types.has(name) ? this.types.get(name) : this.bind(this.scope.outerTypes.get(name));
    return { type: type?.kind === 'tensor' ? type : undefined, value: this.constants.get(name), elements: this.elements.get(name) };
  }

  /** The graph's own inputs and initializers; outer-scope types are looked up as inputs need them. */
  seed(inputs: readonly ValueInfo[]): void {
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
    let inference = inferences.get(node);
    if (!inference || inference.opset !== opset || !sameInputs(inference.inputs, inputs)) {
      inference = this.infer(node, inputs, opset);
      inferences.set(node, inference);
    }
    const { inferred, constant } = inference;
    if (constant) this.constants.set(node.outputs[0], constant);
    node.outputs.forEach((name, i) => {
      if (!name) return;
      const declared = this.bind(this.graph.valueInfo.get(name));
      const merged = mergeTypes(inferred[i], declared);
      // The declared object where nothing changed, so types stay identical from round to round.
      this.types.set(name, declared && sameType(merged, declared) ? declared : merged);
    });
    const out = node.outputs[0];
    const outType = out ? this.types.get(out) : undefined;
    let elements: Dim[] | undefined;
    if (constant) elements = elementsOfConstant(constant);
    else if (outType?.kind === 'tensor' && INTEGER_TYPES.has(outType.elementType ?? '')) {
      if (inference.elements === undefined) inference.elements = elementsOfOutput(node, inputs, opset) ?? null;
      elements = inference.elements ?? undefined;
    }
    if (elements) this.elements.set(out, elements);
  }

  private infer(node: Node, inputs: readonly ShapeInput[], opset: number): NodeInference {
    if (node.opType === 'Constant' && node.domain === '') {
      const value = evaluateNode(node, [], this.scope.registry, opset)?.[0];
      return { opset, inputs, inferred: value ? [tensorTypeOf(value)] : [], constant: value };
    }
    let inferred: readonly (TensorType | undefined)[] = [];
    try {
      inferred = RULES.get(`${node.domain}:${node.opType}`)?.(node, inputs, opset) ?? [];
    } catch {
      // A node a rule cannot make sense of is invalid; its kernel will say why when it runs.
    }
    return { opset, inputs, inferred, constant: undefined };
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
    let changed = 0;
    valueInfo.forEach((type, name) => {
      if (!sameType(type, graph.valueInfo.get(name))) changed++;
    });
    if (changed === 0 && valueInfo.size === graph.valueInfo.size) return undefined;
    return { graph: { ...graph, valueInfo }, rewrites: changed };
  },
});
