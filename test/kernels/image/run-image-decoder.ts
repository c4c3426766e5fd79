/** Runs a one-node ImageDecoder model in onnxts over encoded bytes. */
import { Tensor } from '../../../src/index.js';
import { runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';

export interface Pixels {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

export async function decodeWithNode(bytes: Uint8Array, pixelFormat?: string): Promise<Pixels> {
  const model = singleNodeModel('ImageDecoder', [{ name: 'encoded', type: 'uint8' }], [{ name: 'image', type: 'uint8' }], {
    opset: 20,
    attributes: pixelFormat === undefined ? {} : { pixel_format: attr.string(pixelFormat) },
  });
  const out = await runOnnxts(model, { encoded: new Tensor('uint8', bytes, [bytes.length]) });
  return { dims: out.image.dims, data: out.image.data as Uint8Array };
}

/** Random RGB (or gray) pixels from a seeded generator, so failures reproduce. */
export function randomPixels(count: number, seed: number): Uint8Array {
  const out = new Uint8Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
