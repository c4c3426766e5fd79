/**
 * Col2Im (opset 18): the column blocks of input [N, C * prod(block_shape), L] added back into
 * images [N, C, ...image_shape], overlapping blocks summing, as PyTorch's fold does.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { integersOf, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { col2im } from './patch-rows.js';
import { slideWindow } from './sliding-window.js';
import { parseWindowAttributes, type WindowAttributes } from './window-attributes.js';
import { checkedDims } from '../support/shape-input.js';

const TYPES: readonly DataType[] = [...FLOAT_TYPES, 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32'];

export const col2imKernel = kernel<WindowAttributes>({
  domain: '',
  opType: 'Col2Im',
  sinceVersion: 18,
  typeConstraints: [{ input: 0, types: TYPES }, { input: 1, types: ['int64'] }, { input: 2, types: ['int64'] }],
  parseAttributes: (attrs) => parseWindowAttributes(attrs, false),
  run(inputs, attrs) {
    const input = tensorInput(inputs, 0, 'input');
    const image = integersOf(tensorInput(inputs, 1, 'image_shape'), 'image_shape');
    const block = integersOf(tensorInput(inputs, 2, 'block_shape'), 'block_shape');
    if (input.rank !== 3) throw new KernelInputError(`input must have shape [N, C * prod(block_shape), L], got ${formatShape(input.dims)}`);
    if (image.length !== block.length || image.length === 0) {
      throw new KernelInputError(`image_shape [${image.join(',')}] and block_shape [${block.join(',')}] must be non-empty and of equal length`);
    }
    if (block.some((b) => !Number.isSafeInteger(b) || b < 1)) throw new KernelInputError(`block_shape must be positive, got [${block.join(',')}]`);
    const [batch, rows, blocks] = input.dims;
    const taps = sizeOf(block);
    if (rows % taps !== 0) throw new KernelInputError(`input.shape[1] (${rows}) must be a multiple of prod(block_shape) (${taps})`);
    const channels = rows / taps;
    const dims = [batch, channels, ...image];
    checkedDims(dims, 'the output');
    const win = slideWindow(attrs, image, block);
    if (sizeOf(win.grid) !== blocks) {
      throw new KernelInputError(`input.shape[2] (${blocks}) must equal the number of blocks, ${win.grid.join(' x ')} = ${sizeOf(win.grid)}`);
    }
    const col = computeValues(input) as NumberArray;
    const y = computeBuffer(input.type, sizeOf(dims)) as NumberArray;
    const imageSize = sizeOf(image);
    for (let n = 0; n < batch; n++) {
      col2im(col, n * rows * blocks, channels, win, y, n * channels * imageSize, 0, blocks);
    }
    return [tensorFromCompute(input.type, dims, y)];
  },
});
