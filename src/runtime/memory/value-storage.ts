/** The tensors a runtime value holds, at any depth (sequences, optionals, maps), and copies of values whose storage must move. */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { MapValue, OptionalValue, SequenceValue, type Value } from '../../tensor/value.js';

export function forEachTensor(value: Value, visit: (tensor: DenseTensor) => void): void {
  switch (value.kind) {
    case 'tensor':
      visit(value);
      return;
    case 'sequence':
      for (const element of value.elements) forEachTensor(element, visit);
      return;
    case 'optional':
      if (value.value) forEachTensor(value.value, visit);
      return;
    case 'map':
      for (const entry of value.entries.values()) forEachTensor(entry, visit);
  }
}

/** `value` with every tensor whose storage `moves` says must move copied into storage of its own; untouched parts are shared. */
export function copyTensorsWhere(value: Value, moves: (tensor: DenseTensor) => boolean): Value {
  switch (value.kind) {
    case 'tensor':
      return moves(value) ? new DenseTensor(value.type, value.dims, value.data.slice()) : value;
    case 'sequence':
      return new SequenceValue(value.elements.map((e) => copyTensorsWhere(e, moves)), value.elementType);
    case 'optional':
      return value.value ? new OptionalValue(copyTensorsWhere(value.value, moves)) : value;
    case 'map':
      return new MapValue(value.keyType, new Map([...value.entries].map(([k, v]) => [k, copyTensorsWhere(v, moves)])));
  }
}
