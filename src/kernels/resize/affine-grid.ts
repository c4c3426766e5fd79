/**
 * AffineGrid (opset 20): the sampling grid GridSample consumes, from a batch of affine matrices.
 * Each output position is the matrix applied to the position's normalized coordinates
 * (x innermost, then y, then z, homogeneous 1 last), which span [-1, 1] between pixel centers
 * with align_corners and between pixel edges without.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';
import { checkedDims, vectorInput } from '../support/shape-input.js';

/** The normalized coordinate of index i along a dim of `length`; a single element sits at the center, as in PyTorch. */
function normalized(i: number, length: number, alignCorners: boolean): number {
  if (length === 1) return 0;
  return alignCorners ? -1 + (2 * i) / (length - 1) : (2 * i + 1) / length - 1;
}

export const affineGridKernels: KernelDefinition[] = [
  kernel<{ alignCorners: boolean }>({
    domain: '',
    opType: 'AffineGrid',
    sinceVersion: 20,
    typeConstraints: [{ input: 0, types: FLOAT_TYPES }, { input: 1, types: ['int64'] }],
    parseAttributes: (attrs) => ({ alignCorners: attrs.int('align_corners', 0) !== 0 }),
    run(inputs, attrs) {
      const theta = tensorInput(inputs, 0, 'theta');
      const size = vectorInput(tensorInput(inputs, 1, 'size'), 'size');
      const r = size.length - 2;
      const [n, rows, cols] = theta.dims;
      if ((r !== 2 && r !== 3) || theta.rank !== 3 || rows !== r || cols !== r + 1) {
        throw new KernelInputError(`theta ${formatShape(theta.dims)} and size [${size.join(',')}] must be (N, 2, 3) with (N, C, H, W) or (N, 3, 4) with (N, C, D, H, W)`);
      }
      if (size[0] !== n) throw new KernelInputError(`size asks for a batch of ${size[0]} but theta holds ${n} matrices`);
      const spatial = size.slice(2);
      const outDims = checkedDims([n, ...spatial, r], 'the grid shape');
      const m = computeValues(theta) as ArrayLike<number>;
      const out = computeBuffer(theta.type, outDims.reduce((a, b) => a * b, 1)) as Float32Array | Float64Array;
      // Index counters over the spatial dims, outermost first; the point lists them innermost first.
      const counter = new Array<number>(r).fill(0);
      const point = new Array<number>(r + 1).fill(1);
      let k = 0;
      for (let b = 0; b < n; b++) {
        const positions = spatial.reduce((a, d) => a * d, 1);
        for (let p = 0; p < positions; p++) {
          for (let d = 0; d < r; d++) point[r - 1 - d] = normalized(counter[d], spatial[d], attrs.alignCorners);
          for (let row = 0; row < r; row++) {
            let v = 0;
            for (let col = 0; col <= r; col++) v += m[(b * r + row) * (r + 1) + col] * point[col];
            out[k++] = v;
          }
          for (let d = r - 1; d >= 0; d--) {
            if (++counter[d] < spatial[d]) break;
            counter[d] = 0;
          }
        }
      }
      return [tensorFromCompute(theta.type, outDims, out)];
    },
  }),
];
