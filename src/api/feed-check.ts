/**
 * Checks run() feeds against the model's declared inputs before anything executes, so a bad
 * feed gets an error that names the input and what was expected instead of a failure deep in
 * a kernel.
 */
import { InvalidFeedError } from '../errors/errors.js';
import type { PlannedInput } from '../plan/execution-plan.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { Value } from '../tensor/value.js';
import { formatValueType } from '../ir/value-type.js';

export function checkFeed(
  input: PlannedInput,
  value: Value,
  symbols: Map<string, { size: number; input: string }>,
): void {
  const declared = input.type;
  if (!declared) return;
  const name = `input '${input.name}'`;
  const kindOf = (v: Value): string => (v.kind === 'tensor' ? 'tensor' : v.kind);
  if (declared.kind === 'tensor' || declared.kind === 'sparse-tensor') {
    if (value.kind !== 'tensor') throw new InvalidFeedError(`${name} expects a tensor (${formatValueType(declared)}), got a ${kindOf(value)}`);
    checkTensor(name, declared.elementType, declared.shape, value, symbols, input.name);
    return;
  }
  if (declared.kind === 'optional') return;
  if (declared.kind === 'sequence' && value.kind !== 'sequence') {
    throw new InvalidFeedError(`${name} expects a sequence (${formatValueType(declared)}): pass an array of Tensors, got a ${kindOf(value)}`);
  }
  if (declared.kind === 'map' && value.kind !== 'map') {
    throw new InvalidFeedError(`${name} expects a map (${formatValueType(declared)}): pass a Map, got a ${kindOf(value)}`);
  }
}

function checkTensor(
  name: string,
  elementType: string | undefined,
  shape: readonly (number | string | undefined)[] | undefined,
  tensor: DenseTensor,
  symbols: Map<string, { size: number; input: string }>,
  inputName: string,
): void {
  if (elementType && tensor.type !== elementType) {
    throw new InvalidFeedError(`${name} expects element type ${elementType}, got ${tensor.type}`);
  }
  if (!shape) return;
  // Formatted only for an error: run() checks every feed on every call.
  const expected = (): string => formatShape(shape.map((d) => (d === undefined ? '?' : d)));
  if (tensor.dims.length !== shape.length) {
    throw new InvalidFeedError(
      `${name} expects rank ${shape.length} (shape ${expected()}), got rank ${tensor.dims.length} (shape ${formatShape(tensor.dims)})`,
    );
  }
  shape.forEach((d, axis) => {
    const got = tensor.dims[axis];
    if (typeof d === 'number' && d !== got) {
      throw new InvalidFeedError(`${name} expects dimension ${axis} to be ${d} (shape ${expected()}), got ${got} (shape ${formatShape(tensor.dims)})`);
    }
    if (typeof d === 'string' && d !== '') {
      const bound = symbols.get(d);
      if (bound && bound.size !== got) {
        throw new InvalidFeedError(
          `${name} dimension ${axis} ('${d}') is ${got}, but '${d}' is ${bound.size} ` +
            (bound.input === '' ? 'by freeDimensionOverrides' : `in input '${bound.input}'`),
        );
      }
      if (!bound) symbols.set(d, { size: got, input: inputName });
    }
  });
}
