/**
 * Einsum: each operand first loses its repeated labels (diagonal), its broadcast size-1
 * dimensions and the labels nothing else needs (summed); operands are then contracted pairwise,
 * left to right, as batched matrix products, and the result is summed and reordered to the
 * output labels.
 */
import { KernelInputError } from '../../../errors/errors.js';
import { isEncodedFloatType, NUMERIC_TYPES, type DataType } from '../../../tensor/element-type.js';
import { formatShape } from '../../../tensor/shape.js';
import { kernel } from '../../kernel.js';
import { tensorInput } from '../../support/inputs.js';
import { computeValues, tensorFromCompute } from '../../support/numeric.js';
import { contract } from './contract.js';
import { parseEquation } from './equation.js';
import { diagonal, dropBroadcast, reorder, sumOut, type Operand } from './operand.js';

/** Each label's size across operands; size 1 broadcasts against any other size. */
function labelSizes(operands: readonly Operand[]): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const op of operands) {
    op.labels.forEach((label, d) => {
      const size = op.dims[d];
      const known = sizes.get(label);
      if (known === undefined || known === 1) sizes.set(label, size);
      else if (size !== known && size !== 1) {
        throw new KernelInputError(`a label has size ${known} in one operand and ${size} in another (shape ${formatShape(op.dims)})`);
      }
    });
  }
  return sizes;
}

function without(labels: readonly number[], keep: (label: number) => boolean): Set<number> {
  return new Set(labels.filter((l) => !keep(l)));
}

export const einsum = kernel<{ equation: string }>({
  domain: '',
  opType: 'Einsum',
  sinceVersion: 12,
  typeConstraints: [{ input: 0, types: NUMERIC_TYPES }],
  parseAttributes: (attrs) => {
    const equation = attrs.string('equation');
    if (equation === undefined) throw new KernelInputError(`attribute 'equation' is required but missing`);
    return { equation };
  },
  run(inputs, { equation }) {
    if (inputs.length === 0) throw new KernelInputError('Einsum needs at least one input');
    const tensors = inputs.map((_, i) => tensorInput(inputs, i, `input ${i}`));
    const type = tensors[0].type;
    tensors.forEach((t, i) => {
      if (t.type !== type) throw new KernelInputError(`input ${i} is ${t.type} but input 0 is ${type}; all inputs must have one type`);
    });
    // float16 and bfloat16 compute in float32 and are encoded once at the end.
    const computeType: DataType = isEncodedFloatType(type) ? 'float32' : type;
    const parsed = parseEquation(equation, tensors.map((t) => t.rank));
    const raw = tensors.map((t, i): Operand => ({ values: computeValues(t), dims: t.dims, labels: parsed.inputs[i] }));
    const diagonals = raw.map((op) => diagonal(op, computeType));
    const sizes = labelSizes(diagonals);
    const operands = diagonals.map((op) => dropBroadcast(op, sizes));
    const output = new Set(parsed.output);

    let result = operands[0];
    for (let i = 1; i < operands.length; i++) {
      const later = new Set(output);
      for (const op of operands.slice(i + 1)) op.labels.forEach((l) => later.add(l));
      const next = operands[i];
      result = sumOut(result, without(result.labels, (l) => later.has(l) || next.labels.includes(l)), computeType);
      const other = sumOut(next, without(next.labels, (l) => later.has(l) || result.labels.includes(l)), computeType);
      result = contract(result, other, later, computeType);
    }
    result = sumOut(result, without(result.labels, (l) => output.has(l)), computeType);
    result = reorder(result, parsed.output, computeType);
    return [tensorFromCompute(type, result.dims, result.values)];
  },
});
