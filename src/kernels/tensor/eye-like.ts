/** EyeLike: a 2-D tensor shaped like the input with ones on diagonal k, of type `dtype` (default: the input's). */
import { KernelInputError } from '../../errors/errors.js';
import { dataTypeFromOnnx, NUMERIC_TYPES, type DataType } from '../../tensor/element-type.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, isBigIntArray, tensorFromCompute } from '../support/numeric.js';

const EYE_TYPES: readonly DataType[] = [...NUMERIC_TYPES, 'bool'];

export const eyeLikeKernel = kernel<{ dtype: DataType | undefined; k: number }>({
  domain: '',
  opType: 'EyeLike',
  sinceVersion: 9,
  typeConstraints: [{ input: 0, types: EYE_TYPES }],
  parseAttributes(attrs) {
    const code = attrs.int('dtype');
    const dtype = code === undefined ? undefined : dataTypeFromOnnx(code);
    if (code !== undefined && (dtype === undefined || !EYE_TYPES.includes(dtype))) {
      throw new KernelInputError(`attribute 'dtype' ${code} is not one of the types EyeLike produces (${EYE_TYPES.join(', ')})`);
    }
    return { dtype, k: attrs.int('k', 0) };
  },
  run(inputs, { dtype, k }) {
    const input = tensorInput(inputs, 0, 'input');
    if (input.rank !== 2) throw new KernelInputError(`input must be 2-D, got ${input.describe()}`);
    const type = dtype ?? input.type;
    const [rows, cols] = input.dims;
    const values = computeBuffer(type, rows * cols);
    const one = isBigIntArray(values) ? 1n : 1;
    // Row i holds its one at column i + k, when that column exists.
    for (let i = Math.max(0, -k); i < rows && i + k < cols; i++) values[i * cols + i + k] = one;
    return [tensorFromCompute(type, input.dims, values)];
  },
});
