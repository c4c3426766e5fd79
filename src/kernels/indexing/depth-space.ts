/**
 * DepthToSpace and SpaceToDepth: both are a 6-d reshape, a transpose and a reshape back to
 * rank 4, exactly as the spec writes them.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { permute } from './permute.js';

function positiveBlocksize(value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new KernelInputError(`attribute 'blocksize' must be a positive integer, got ${value}`);
  return value;
}

function rank4(x: DenseTensor): readonly number[] {
  if (x.rank !== 4) throw new KernelInputError(`input must be 4-d [N, C, H, W], got shape ${formatShape(x.dims)}`);
  return x.dims;
}

type DepthToSpaceMode = 'DCR' | 'CRD';

const depthToSpace = kernel<{ blocksize: number; mode: DepthToSpaceMode }>({
  domain: '',
  opType: 'DepthToSpace',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
  parseAttributes: (attrs) => {
    const mode = attrs.string('mode', 'DCR');
    if (mode !== 'DCR' && mode !== 'CRD') throw new KernelInputError(`attribute 'mode' must be DCR or CRD, got '${mode}'`);
    return { blocksize: positiveBlocksize(attrs.requiredInt('blocksize')), mode };
  },
  run(inputs, { blocksize: s, mode }) {
    const x = tensorInput(inputs, 0, 'input');
    const [n, c, h, w] = rank4(x);
    if (c % (s * s) !== 0) throw new KernelInputError(`channels ${c} are not divisible by blocksize^2 = ${s * s}`);
    const depth = c / (s * s);
    const moved = mode === 'DCR'
      ? permute(x.type, x.data, [n, s, s, depth, h, w], [0, 3, 4, 1, 5, 2])
      : permute(x.type, x.data, [n, depth, s, s, h, w], [0, 1, 4, 2, 5, 3]);
    return [new DenseTensor(x.type, [n, depth, h * s, w * s], moved.data)];
  },
});

const spaceToDepth = kernel<{ blocksize: number }>({
  domain: '',
  opType: 'SpaceToDepth',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
  parseAttributes: (attrs) => ({ blocksize: positiveBlocksize(attrs.requiredInt('blocksize')) }),
  run(inputs, { blocksize: s }) {
    const x = tensorInput(inputs, 0, 'input');
    const [n, c, h, w] = rank4(x);
    if (h % s !== 0 || w % s !== 0) throw new KernelInputError(`height ${h} and width ${w} must be divisible by blocksize ${s}`);
    const moved = permute(x.type, x.data, [n, c, h / s, s, w / s, s], [0, 3, 5, 1, 2, 4]);
    return [new DenseTensor(x.type, [n, c * s * s, h / s, w / s], moved.data)];
  },
});

export const depthSpaceKernels: KernelDefinition[] = [depthToSpace, spaceToDepth];
