/**
 * The static memory plan of a graph's activations: every value a node produces gets a byte
 * range in one arena, in execution order, reusing the ranges of values whose last reader has
 * run (first fit, neighbours merged), and an elementwise node writes over an input that dies
 * there when the sizes match. Sizes come from the inferred shapes (graph.valueInfo);
 * values whose shape is not static are counted in `unsizedValues` and left out.
 */
import type { Graph, Node } from '../ir/graph.js';
import type { ValueType } from '../ir/value-type.js';
import { outerScopeReads } from '../ir/validate.js';
import { RangeAllocator } from '../backends/wasm/range-allocator.js';
import { wireBitsOf } from '../tensor/element-type.js';

export interface MemoryPlan {
  /** The arena size the plan needs: the most bytes alive at once, after reuse. */
  readonly peakBytes: number;
  /** What the activations would take if none shared memory. */
  readonly totalBytesWithoutReuse: number;
  /** Outputs that write over a dying input of the same size. */
  readonly inPlace: number;
  readonly plannedValues: number;
  readonly unsizedValues: number;
}

/** Ops whose output element i depends only on input element i, so output may alias input. */
export const ELEMENTWISE = new Set([
  'Abs', 'Neg', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Erf', 'Clip', 'HardSigmoid',
  'HardSwish', 'Elu', 'Selu', 'Softplus', 'Gelu', 'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Cast', 'Identity', 'Dropout',
]);

const ALIGNMENT = 64;

function bytesOf(type: ValueType | undefined): number | undefined {
  if (type?.kind !== 'tensor' || !type.elementType || !type.shape) return undefined;
  let elements = 1;
  for (const d of type.shape) {
    if (typeof d !== 'number') return undefined;
    elements *= d;
  }
  const bytes = Math.ceil((elements * wireBitsOf(type.elementType)) / 8);
  return Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
}

export function planActivationMemory(graph: Graph, order: readonly Node[]): MemoryPlan {
  const lastUse = new Map<string, number>();
  order.forEach((node, step) => {
    for (const name of [...node.inputs, ...outerScopeReads(node)]) if (name) lastUse.set(name, step);
  });
  for (const o of graph.outputs) lastUse.set(o.name, order.length);
  const placed = new Map<string, { offset: number; bytes: number }>();
  const arena = new RangeAllocator();
  let total = 0;
  let inPlace = 0;
  let unsized = 0;
  order.forEach((node, step) => {
    const dying = node.inputs.filter((name) => placed.has(name) && lastUse.get(name) === step);
    for (const output of node.outputs) {
      if (!output) continue;
      const bytes = bytesOf(graph.valueInfo.get(output));
      if (bytes === undefined) {
        unsized++;
        continue;
      }
      total += bytes;
      const reusable = ELEMENTWISE.has(node.opType) ? dying.find((name) => placed.get(name)?.bytes === bytes) : undefined;
      if (reusable !== undefined) {
        placed.set(output, placed.get(reusable)!);
        placed.delete(reusable);
        dying.splice(dying.indexOf(reusable), 1);
        inPlace++;
      } else {
        placed.set(output, { offset: arena.allocate(bytes), bytes });
      }
      if (!lastUse.has(output)) lastUse.set(output, step);
    }
    for (const name of dying) {
      const range = placed.get(name)!;
      arena.release(range.offset, range.bytes);
      placed.delete(name);
    }
    for (const output of node.outputs) {
      const range = placed.get(output);
      if (output && range && lastUse.get(output) === step) {
        arena.release(range.offset, range.bytes);
        placed.delete(output);
      }
    }
  });
  return { peakBytes: arena.peak, totalBytesWithoutReuse: total, inPlace, plannedValues: order.reduce((n, node) => n + node.outputs.filter(Boolean).length, 0) - unsized, unsizedValues: unsized };
}
