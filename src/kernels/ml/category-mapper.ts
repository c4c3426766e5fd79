/**
 * CategoryMapper: strings to int64 or int64 to strings through two parallel lists; the input
 * type picks the direction, and values missing from the lists take default_int64 or
 * default_string.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';

interface CategoryAttributes {
  readonly toInt: ReadonlyMap<string, bigint>;
  readonly toString: ReadonlyMap<bigint, string>;
  readonly defaultInt: bigint;
  readonly defaultString: string;
}

export const categoryMapperKernel = kernel<CategoryAttributes>({
  domain: 'ai.onnx.ml',
  opType: 'CategoryMapper',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ['string', 'int64'] }],
  parseAttributes(attrs) {
    const strings = attrs.strings('cats_strings', []);
    const ints = attrs.ints('cats_int64s', []);
    if (strings.length !== ints.length) throw new KernelInputError(`cats_strings has ${strings.length} entries but cats_int64s has ${ints.length}`);
    return {
      toInt: new Map(strings.map((s, i) => [s, BigInt(ints[i])])),
      toString: new Map(ints.map((v, i) => [BigInt(v), strings[i]])),
      defaultInt: BigInt(attrs.int('default_int64', -1)),
      defaultString: attrs.string('default_string', '_Unused'),
    };
  },
  run(inputs, attrs) {
    const x = tensorInput(inputs, 0, 'X');
    if (x.type === 'string') {
      return [new DenseTensor('int64', x.dims, BigInt64Array.from(x.data as string[], (s) => attrs.toInt.get(s) ?? attrs.defaultInt))];
    }
    return [new DenseTensor('string', x.dims, Array.from(x.data as BigInt64Array, (v) => attrs.toString.get(v) ?? attrs.defaultString))];
  },
});
