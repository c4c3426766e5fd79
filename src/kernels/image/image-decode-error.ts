/** The error every image decoder raises; the executor adds the node it happened in. */
import { KernelInputError } from '../../errors/errors.js';

export type ImageDecodeProblem = 'unrecognized' | 'truncated' | 'corrupt' | 'unsupported' | 'too-large';

export class ImageDecodeError extends KernelInputError {
  override name = 'ImageDecodeError';
  constructor(readonly problem: ImageDecodeProblem, message: string) {
    super(`ImageDecoder: ${message}`);
  }
}
