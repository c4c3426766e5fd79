/**
 * The class labels of the ai.onnx.ml classifiers: classlabels_strings or classlabels_ints (or
 * classlabels_int64s, as the tree ensembles and ZipMap spell it), and the label tensor built
 * from chosen class indices.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import type { AttributeReader } from '../attributes.js';

export type ClassLabels = { readonly kind: 'string'; readonly labels: readonly string[] } | { readonly kind: 'int64'; readonly labels: readonly bigint[] };

export function classLabelsOf(attrs: AttributeReader, intsName: 'classlabels_ints' | 'classlabels_int64s'): ClassLabels {
  const strings = attrs.strings('classlabels_strings');
  const ints = attrs.ints(intsName);
  if (strings !== undefined && strings.length > 0) {
    if (ints !== undefined && ints.length > 0) throw new KernelInputError(`only one of classlabels_strings and ${intsName} may be given`);
    return { kind: 'string', labels: strings };
  }
  if (ints === undefined) throw new KernelInputError(`one of classlabels_strings and ${intsName} must be given`);
  return { kind: 'int64', labels: ints.map((v) => BigInt(v)) };
}

/** Labels for each row from the winning class index (a label itself, for the binary shortcuts). */
export function labelTensor(labels: ClassLabels, picks: readonly (string | bigint)[]): DenseTensor {
  return labels.kind === 'string'
    ? new DenseTensor('string', [picks.length], picks as string[])
    : new DenseTensor('int64', [picks.length], BigInt64Array.from(picks as bigint[]));
}
