/**
 * OneHotEncoder: each element becomes a row of zeros with a one at its category's position,
 * adding a trailing axis as long as the category list. Numeric input is truncated to an integer
 * and looked up in cats_int64s; strings in cats_strings. An unknown category gives all zeros, or
 * an error when zeros=0.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';

interface OneHotAttributes {
  readonly positions: ReadonlyMap<string, number>;
  readonly ofStrings: boolean;
  readonly zeros: boolean;
}

export const oneHotEncoderKernel = kernel<OneHotAttributes>({
  domain: 'ai.onnx.ml',
  opType: 'OneHotEncoder',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ['string', 'int64', 'int32', 'float32', 'float64'] }],
  parseAttributes(attrs) {
    const strings = attrs.strings('cats_strings');
    const ints = attrs.ints('cats_int64s');
    if ((strings === undefined) === (ints === undefined)) throw new KernelInputError('exactly one of cats_strings and cats_int64s must be given');
    // Categories are keyed by their text so integer input of any width finds them.
    const categories = strings ?? (ints ?? []).map(String);
    return { positions: new Map(categories.map((c, i) => [c, i])), ofStrings: strings !== undefined, zeros: attrs.int('zeros', 1) !== 0 };
  },
  run(inputs, { positions, ofStrings, zeros }) {
    const x = tensorInput(inputs, 0, 'X');
    if ((x.type === 'string') !== ofStrings) throw new KernelInputError(`X is ${x.type} but the categories are ${ofStrings ? 'strings' : 'integers'}`);
    const keys = x.type === 'string'
      ? (x.data as string[])
      : Array.from(computeValues(x) as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? String(v) : String(Math.trunc(v))));
    const width = positions.size;
    const out = new Float32Array(keys.length * width);
    keys.forEach((key, i) => {
      const at = positions.get(key);
      if (at !== undefined) out[i * width + at] = 1;
      else if (!zeros) throw new KernelInputError(`category ${JSON.stringify(key)} is not in the category list and zeros=0`);
    });
    return [new DenseTensor('float32', [...x.dims, width], out)];
  },
});
