import { DenseTensor } from './dense-tensor.js';
import type { DataType } from './element-type.js';

/** An ONNX sequence: an ordered list of values of one type (tensors, usually). */
export class SequenceValue {
  readonly kind = 'sequence' as const;
  constructor(readonly elements: readonly Value[], readonly elementType?: DataType) {}
  describe(): string {
    return `sequence(${this.elements.length})`;
  }
}

/** An ONNX optional: a value or its absence. */
export class OptionalValue {
  readonly kind = 'optional' as const;
  constructor(readonly value: Value | null) {}
  describe(): string {
    return this.value ? `optional(${this.value.describe()})` : 'optional(none)';
  }
}

export type MapKey = string | bigint;

/** An ONNX map (ai.onnx.ml): keys of one scalar type to values of one type. */
export class MapValue {
  readonly kind = 'map' as const;
  constructor(readonly keyType: DataType, readonly entries: ReadonlyMap<MapKey, Value>) {}
  describe(): string {
    return `map(${this.keyType}, ${this.entries.size})`;
  }
}

export type Value = DenseTensor | SequenceValue | OptionalValue | MapValue;

export { DenseTensor };
