/** SwiGLU (opset 28): Y = A * sigmoid(alpha * A) * B, for A and B of one shape (no broadcasting). */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { mapBinary } from '../support/elementwise.js';
import { tensorInput } from '../support/inputs.js';

export const swigluKernel = kernel<number>({
  domain: '',
  opType: 'SwiGLU',
  sinceVersion: 28,
  typeConstraints: [{ input: 0, types: FLOAT_TYPES }, { input: 1, types: FLOAT_TYPES }],
  parseAttributes: (attrs) => attrs.float('alpha', 1),
  run(inputs, alpha) {
    const a = tensorInput(inputs, 0, 'A');
    const b = tensorInput(inputs, 1, 'B');
    if (a.type !== b.type || !sameShape(a.dims, b.dims)) {
      throw new KernelInputError(`A and B must have one type and shape, got ${a.type}${formatShape(a.dims)} and ${b.type}${formatShape(b.dims)}`);
    }
    return [mapBinary(a, b, { float: (x: number, y: number) => (x / (1 + Math.exp(-alpha * x))) * y })];
  },
});
