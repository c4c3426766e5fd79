/** ImageDecoder (opset 20): an encoded image as a 1-D uint8 tensor to uint8 pixels [H, W, C]. */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { decodeImage } from './decode-image.js';
import { PIXEL_FORMATS, type PixelFormat, toPixelFormat } from './pixel-format.js';

interface ImageDecoderAttributes {
  readonly pixelFormat: PixelFormat;
}

export const imageDecoderKernel = kernel<ImageDecoderAttributes>({
  domain: '',
  opType: 'ImageDecoder',
  sinceVersion: 20,
  typeConstraints: [{ input: 0, types: ['uint8'] }],
  parseAttributes: (attributes) => {
    const pixelFormat = attributes.string('pixel_format', 'RGB');
    if (!(PIXEL_FORMATS as readonly string[]).includes(pixelFormat)) {
      throw new KernelInputError(`attribute pixel_format must be one of ${PIXEL_FORMATS.join(', ')}, got '${pixelFormat}'`);
    }
    return { pixelFormat: pixelFormat as PixelFormat };
  },
  run: (inputs, { pixelFormat }) => {
    const stream = tensorInput(inputs, 0, 'encoded_stream');
    if (stream.dims.length !== 1) {
      throw new KernelInputError(`encoded_stream must be 1-D, got shape [${stream.dims.join(',')}]`);
    }
    const image = decodeImage(stream.data as Uint8Array);
    const channels = pixelFormat === 'Grayscale' ? 1 : 3;
    return [new DenseTensor('uint8', [image.height, image.width, channels], toPixelFormat(image, pixelFormat))];
  },
});
