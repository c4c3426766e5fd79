/** YCbCr to RGB with libjpeg's 16-bit fixed-point tables (jdcolor.c), clamped to 0..255. */
const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number): number => Math.round(x * (1 << SCALEBITS));

const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (fix(1.402) * x + ONE_HALF) >> SCALEBITS;
  CB_B[i] = (fix(1.772) * x + ONE_HALF) >> SCALEBITS;
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF;
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

export function yccToRgb(y: Uint8Array, cb: Uint8Array, cr: Uint8Array, out: Uint8Array): void {
  for (let i = 0, j = 0; i < y.length; i++, j += 3) {
    const luma = y[i];
    out[j] = clamp(luma + CR_R[cr[i]]);
    out[j + 1] = clamp(luma + ((CB_G[cb[i]] + CR_G[cr[i]]) >> SCALEBITS));
    out[j + 2] = clamp(luma + CB_B[cb[i]]);
  }
}
