/** StringConcat: elementwise X + Y over string tensors, with numpy broadcasting. */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { broadcastIndex, broadcastShapes } from '../support/broadcast.js';
import { tensorInput } from '../support/inputs.js';

function concat(x: DenseTensor, y: DenseTensor): DenseTensor {
  const dims = broadcastShapes(x.dims, y.dims);
  const xs = x.data as string[];
  const ys = y.data as string[];
  const ix = broadcastIndex(x.dims, dims);
  const iy = broadcastIndex(y.dims, dims);
  const out = new Array<string>(sizeOf(dims));
  for (let i = 0; i < out.length; i++) out[i] = xs[ix ? ix[i] : i] + ys[iy ? iy[i] : i];
  return new DenseTensor('string', dims, out);
}

export const stringConcatKernel = kernel({
  domain: '',
  opType: 'StringConcat',
  sinceVersion: 20,
  typeConstraints: [{ input: 0, types: ['string'] }, { input: 1, types: ['string'] }],
  run: (inputs) => [concat(tensorInput(inputs, 0, 'X'), tensorInput(inputs, 1, 'Y'))],
});
