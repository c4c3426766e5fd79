/** Sequence values: construct, empty, at, insert, erase, length (opset 11+). */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { dataTypeFromOnnx, type DataType } from '../../tensor/element-type.js';
import { SequenceValue, type Value } from '../../tensor/value.js';
import { kernel } from '../kernel.js';
import { scalarOf, tensorInput } from '../support/inputs.js';

export function sequenceInput(inputs: readonly (Value | undefined)[], index: number, what = 'input_sequence'): SequenceValue {
  const v = inputs[index];
  if (v?.kind !== 'sequence') throw new KernelInputError(`${what} must be a sequence, got ${v === undefined ? 'nothing' : `a ${v.kind}`}`);
  return v;
}

/** A position in a sequence of `length` (negative counts from the end); `allowEnd` admits `length` itself. */
function position(inputs: readonly (Value | undefined)[], index: number, length: number, allowEnd: boolean): number {
  const raw = scalarOf(tensorInput(inputs, index, 'position'), 'position');
  const p = raw < 0 ? raw + length : raw;
  if (p < 0 || p > length || (p === length && !allowEnd)) {
    throw new KernelInputError(`position ${raw} is out of range for a sequence of ${length} elements`);
  }
  return p;
}

function elementTypeOf(seq: SequenceValue, value: DenseTensor): void {
  if (seq.elementType !== undefined && value.type !== seq.elementType) {
    throw new KernelInputError(`cannot put a ${value.type} tensor into a sequence of ${seq.elementType}`);
  }
}

export const sequenceOpKernels = [
  kernel({
    domain: '', opType: 'SequenceConstruct', sinceVersion: 11,
    run(inputs) {
      const tensors = inputs.map((_, i) => tensorInput(inputs, i, `input ${i}`));
      const type = tensors[0]?.type;
      if (tensors.some((t) => t.type !== type)) throw new KernelInputError('all inputs of SequenceConstruct must have one element type');
      return [new SequenceValue(tensors, type)];
    },
  }),
  kernel<DataType>({
    domain: '', opType: 'SequenceEmpty', sinceVersion: 11,
    parseAttributes: (attrs) => {
      const code = attrs.int('dtype', 1);
      const type = dataTypeFromOnnx(code);
      if (!type) throw new KernelInputError(`dtype ${code} is not an element type`);
      return type;
    },
    run: (_inputs, type) => [new SequenceValue([], type)],
  }),
  kernel({
    domain: '', opType: 'SequenceAt', sinceVersion: 11,
    run(inputs) {
      const seq = sequenceInput(inputs, 0);
      return [seq.elements[position(inputs, 1, seq.elements.length, false)]];
    },
  }),
  kernel({
    domain: '', opType: 'SequenceInsert', sinceVersion: 11,
    run(inputs) {
      const seq = sequenceInput(inputs, 0);
      const value = tensorInput(inputs, 1, 'tensor');
      elementTypeOf(seq, value);
      const at = inputs[2] === undefined ? seq.elements.length : position(inputs, 2, seq.elements.length, true);
      const elements = [...seq.elements];
      elements.splice(at, 0, value);
      return [new SequenceValue(elements, seq.elementType ?? value.type)];
    },
  }),
  kernel({
    domain: '', opType: 'SequenceErase', sinceVersion: 11,
    run(inputs) {
      const seq = sequenceInput(inputs, 0);
      const at = inputs[1] === undefined ? seq.elements.length - 1 : position(inputs, 1, seq.elements.length, false);
      if (at < 0) throw new KernelInputError('cannot erase from an empty sequence');
      return [new SequenceValue(seq.elements.filter((_, i) => i !== at), seq.elementType)];
    },
  }),
  kernel({
    domain: '', opType: 'SequenceLength', sinceVersion: 11,
    run: (inputs) => [new DenseTensor('int64', [], new BigInt64Array([BigInt(sequenceInput(inputs, 0).elements.length)]))],
  }),
];
