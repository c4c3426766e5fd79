/** What a shape rule sees of a node's inputs and what it returns: one type per output. */
import type { Node } from '../../ir/graph.js';
import { intsAttribute } from '../node-values.js';
import type { Dim } from '../../ir/value-type.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import type { TensorType } from '../graph-index.js';
import type { Shape } from './dims.js';

export interface ShapeInput {
  /** Undefined when the input is omitted, not a tensor, or nothing is known of it. */
  readonly type: TensorType | undefined;
  /** The value, when the input is a constant. */
  readonly value: DenseTensor | undefined;
  /**
   * The elements of a small integer vector or scalar, where known: numbers, or names for
   * sizes that are symbolic (a Shape of a [batch, 3] input holds ['batch', 3]).
   */
  readonly elements: readonly Dim[] | undefined;
}

export type ShapeRule = (node: Node, inputs: readonly ShapeInput[], opset: number) => readonly (TensorType | undefined)[];

export function tensorType(elementType: DataType | undefined, shape: Shape | undefined): TensorType {
  return { kind: 'tensor', elementType, shape };
}

/** Input `i`'s elements when every one is a number (axes, pads, starts...). */
export function numbersIn(inputs: readonly ShapeInput[], i: number): number[] | undefined {
  const elements = inputs[i]?.elements;
  return elements?.every((d): d is number => typeof d === 'number') ? [...elements] : undefined;
}

export function shapeOf(inputs: readonly ShapeInput[], i: number): Shape | undefined {
  return inputs[i]?.type?.shape;
}

export function elementTypeOf(inputs: readonly ShapeInput[], i: number): DataType | undefined {
  return inputs[i]?.type?.elementType;
}

/** A list that is an attribute before `inputSince` and input `input` from then on; 'missing' when not given. */
export function listArgument(node: Node, inputs: readonly ShapeInput[], opset: number, attribute: string, input: number, inputSince: number): number[] | 'missing' | undefined {
  if (opset < inputSince) {
    const values = intsAttribute(node, attribute);
    return values ? [...values] : 'missing';
  }
  return node.inputs[input] ? numbersIn(inputs, input) : 'missing';
}
