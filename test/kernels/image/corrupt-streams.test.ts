/**
 * Damaged streams: every fixture with random bytes overwritten or cut short must either decode
 * or raise ImageDecodeError, never another exception, a hang or a runaway allocation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/kernels/image/decode-image.js';
import { ImageDecodeError } from '../../../src/kernels/image/image-decode-error.js';
import { randomPixels } from './run-image-decoder.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const files = readdirSync(FIXTURES).filter((f) => /\.(jpg|tif|pnm|webp|jp2|j2k)$/.test(f)).sort();

function outcome(bytes: Uint8Array): string {
  try {
    const image = decodeImage(bytes);
    return `ok ${image.width}x${image.height}`;
  } catch (error) {
    if (error instanceof ImageDecodeError) return error.problem;
    throw error;
  }
}

describe('ImageDecoder on damaged streams', () => {
  it.each(files)('%s: overwritten bytes and cuts give a decode or an ImageDecodeError', (name) => {
    const original = new Uint8Array(readFileSync(join(FIXTURES, name)));
    const noise = randomPixels(4000, original.length);
    for (let trial = 0; trial < 150; trial++) {
      const bytes = original.slice(0, trial % 3 === 0 ? noise[trial] % original.length : original.length);
      for (let k = 0; k < 1 + (trial % 4); k++) {
        const at = (noise[(trial * 8 + k) % 4000] * 257 + noise[(trial * 8 + k + 1) % 4000]) % Math.max(bytes.length, 1);
        bytes[at] = noise[(trial * 8 + k + 2) % 4000];
      }
      expect(() => outcome(bytes), `${name} trial ${trial}`).not.toThrow();
    }
  });
});
