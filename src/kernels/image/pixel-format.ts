/** Turns a decoded image into the [H, W, C] layout the node's pixel_format asks for. */
import type { DecodedImage } from './decoded-image.js';

export type PixelFormat = 'RGB' | 'BGR' | 'Grayscale';

export const PIXEL_FORMATS: readonly PixelFormat[] = ['RGB', 'BGR', 'Grayscale'];

/** ITU-R 601-2 luma in 16-bit fixed point with rounding, as PIL's convert('L') computes it. */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
}

export function toPixelFormat(image: DecodedImage, format: PixelFormat): Uint8Array {
  const { pixels, channels } = image;
  const count = image.width * image.height;
  if (format === 'Grayscale') {
    if (channels === 1) return pixels;
    const out = new Uint8Array(count);
    for (let i = 0, j = 0; i < count; i++, j += 3) out[i] = luma(pixels[j], pixels[j + 1], pixels[j + 2]);
    return out;
  }
  const out = new Uint8Array(count * 3);
  if (channels === 1) {
    for (let i = 0, j = 0; i < count; i++, j += 3) out[j] = out[j + 1] = out[j + 2] = pixels[i];
  } else if (format === 'RGB') {
    out.set(pixels.subarray(0, count * 3));
  } else {
    for (let j = 0; j < count * 3; j += 3) {
      out[j] = pixels[j + 2];
      out[j + 1] = pixels[j + 1];
      out[j + 2] = pixels[j];
    }
  }
  return out;
}
