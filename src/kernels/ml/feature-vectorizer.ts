/**
 * FeatureVectorizer: concatenates inputs along their feature axis into float rows. Each input
 * contributes exactly inputdimensions[i] columns: extra features are dropped and missing ones
 * are zero, as onnxruntime does. A 1-D input is one row.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';

export const featureVectorizerKernel = kernel<readonly number[]>({
  domain: 'ai.onnx.ml',
  opType: 'FeatureVectorizer',
  sinceVersion: 1,
  parseAttributes: (attrs) => attrs.ints('inputdimensions', []),
  run(inputs, widths) {
    if (widths.length !== inputs.length) throw new KernelInputError(`inputdimensions has ${widths.length} entries for ${inputs.length} inputs`);
    const tensors = inputs.map((_, i) => tensorInput(inputs, i, `X[${i}]`));
    const rows = tensors.length === 0 || tensors[0].rank <= 1 ? 1 : tensors[0].dims[0];
    const total = widths.reduce((a, b) => a + b, 0);
    const out = new Float32Array(rows * total);
    let offset = 0;
    tensors.forEach((t, i) => {
      if (t.type === 'string') throw new KernelInputError(`X[${i}] must be numeric, got ${t.type}`);
      const tRows = t.rank <= 1 ? 1 : t.dims[0];
      if (tRows !== rows) throw new KernelInputError(`X[${i}] ${formatShape(t.dims)} has ${tRows} rows, X[0] has ${rows}`);
      const values = computeValues(t);
      const stride = rows === 0 ? 0 : t.size / rows;
      const copied = Math.min(stride, widths[i]);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < copied; c++) out[r * total + offset + c] = Number(values[r * stride + c]);
      }
      offset += widths[i];
    });
    return [new DenseTensor('float32', [rows, total], out)];
  },
});
