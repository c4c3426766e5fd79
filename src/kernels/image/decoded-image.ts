/** What every format decoder returns, and the size check each runs before allocating pixels. */
import { ImageDecodeError } from './image-decode-error.js';

/** Row-major pixels, `channels` bytes per pixel: 1 = gray, 3 = R,G,B. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

/**
 * PIL's decompression-bomb limit (twice Image.MAX_IMAGE_PIXELS), which the reference decoder
 * enforces too: about 179 megapixels, 537 MB as RGB.
 */
const MAX_PIXELS = 2 * 89_478_485;

/**
 * Rejects dimensions that are non-positive or too large before any pixel buffer exists. Formats
 * whose size is bounded by the stream (uncompressed ones) also pass `minimumBytes`/`available`.
 */
export function checkDimensions(format: string, width: number, height: number, minimumBytes?: number, available?: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageDecodeError('corrupt', `${format} declares an invalid size ${width}x${height}`);
  }
  if (width * height > MAX_PIXELS) {
    throw new ImageDecodeError('too-large', `${format} declares ${width}x${height} pixels, more than the limit of ${MAX_PIXELS}`);
  }
  if (minimumBytes !== undefined && available !== undefined && minimumBytes > available) {
    throw new ImageDecodeError('truncated', `${format} of ${width}x${height} needs ${minimumBytes} bytes of pixel data, the stream has ${available}`);
  }
}

export function truncated(format: string, what: string): ImageDecodeError {
  return new ImageDecodeError('truncated', `${format} stream ends inside ${what}`);
}
