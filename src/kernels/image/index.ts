import type { KernelDefinition } from '../kernel.js';
import { imageDecoderKernel } from './image-decoder.js';

/** Decoding encoded images (JPEG, PNG, TIFF, BMP, PNM, lossy WebP, lossless JPEG 2000) into pixel tensors. */
export const imageKernels: KernelDefinition[] = [imageDecoderKernel];
