/**
 * libjpeg's "islow" integer inverse DCT (jidctint.c: Loeffler-Ligtenberg-Moschytz, 13-bit
 * constants, 2 extra bits between passes) with its post-IDCT range-limit table, so samples match
 * libjpeg-turbo (and so PIL) bit for bit.
 */
const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/**
 * libjpeg indexes its post-IDCT table with (value & 1023) from a base 128 past zero: values
 * -128..127 map to 0..255, larger ones saturate to 255 until they wrap (512..895 read 0).
 */
const RANGE_LIMIT = (() => {
  const table = new Uint8Array(1024);
  for (let i = 0; i < 1024; i++) table[i] = i < 128 ? i + 128 : i < 512 ? 255 : i < 896 ? 0 : i - 896;
  return table;
})();

const descale = (x: number, n: number): number => (x + (1 << (n - 1))) >> n;

const workspace = new Int32Array(64);

/**
 * Dequantizes and inverse-transforms one block (coefficients in natural order) into 8x8
 * samples at `out[offset + row * stride + col]`.
 */
export function idctIslow(coefficients: Int16Array, blockOffset: number, quant: Uint16Array, out: Uint8Array, offset: number, stride: number): void {
  const ws = workspace;
  for (let col = 0; col < 8; col++) {
    const c = (row: number) => coefficients[blockOffset + row * 8 + col] * quant[row * 8 + col];
    let z2 = c(2);
    let z3 = c(6);
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    z2 = c(0);
    z3 = c(4);
    let tmp0 = (z2 + z3) << CONST_BITS;
    let tmp1 = (z2 - z3) << CONST_BITS;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp3 = c(1);
    tmp2 = c(3);
    tmp1 = c(5);
    tmp0 = c(7);
    let z4 = tmp1 + tmp3;
    z3 = tmp0 + tmp2;
    z2 = tmp1 + tmp2;
    z1 = tmp0 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp3 *= FIX_1_501321110;
    tmp2 *= FIX_3_072711026;
    tmp1 *= FIX_2_053119869;
    tmp0 *= FIX_0_298631336;
    z4 = z4 * -FIX_0_390180644 + z5;
    z3 = z3 * -FIX_1_961570560 + z5;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    tmp3 += z1 + z4;
    tmp2 += z2 + z3;
    tmp1 += z2 + z4;
    tmp0 += z1 + z3;
    const shift = CONST_BITS - PASS1_BITS;
    ws[col] = descale(tmp10 + tmp3, shift);
    ws[56 + col] = descale(tmp10 - tmp3, shift);
    ws[8 + col] = descale(tmp11 + tmp2, shift);
    ws[48 + col] = descale(tmp11 - tmp2, shift);
    ws[16 + col] = descale(tmp12 + tmp1, shift);
    ws[40 + col] = descale(tmp12 - tmp1, shift);
    ws[24 + col] = descale(tmp13 + tmp0, shift);
    ws[32 + col] = descale(tmp13 - tmp0, shift);
  }
  const shift = CONST_BITS + PASS1_BITS + 3;
  for (let row = 0; row < 8; row++) {
    const w = row * 8;
    let z2 = ws[w + 2];
    let z3 = ws[w + 6];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    let tmp0 = (ws[w] + ws[w + 4]) << CONST_BITS;
    let tmp1 = (ws[w] - ws[w + 4]) << CONST_BITS;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp3 = ws[w + 1];
    tmp2 = ws[w + 3];
    tmp1 = ws[w + 5];
    tmp0 = ws[w + 7];
    let z4 = tmp1 + tmp3;
    z3 = tmp0 + tmp2;
    z2 = tmp1 + tmp2;
    z1 = tmp0 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp3 *= FIX_1_501321110;
    tmp2 *= FIX_3_072711026;
    tmp1 *= FIX_2_053119869;
    tmp0 *= FIX_0_298631336;
    z4 = z4 * -FIX_0_390180644 + z5;
    z3 = z3 * -FIX_1_961570560 + z5;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    tmp3 += z1 + z4;
    tmp2 += z2 + z3;
    tmp1 += z2 + z4;
    tmp0 += z1 + z3;
    const o = offset + row * stride;
    out[o] = RANGE_LIMIT[descale(tmp10 + tmp3, shift) & 1023];
    out[o + 7] = RANGE_LIMIT[descale(tmp10 - tmp3, shift) & 1023];
    out[o + 1] = RANGE_LIMIT[descale(tmp11 + tmp2, shift) & 1023];
    out[o + 6] = RANGE_LIMIT[descale(tmp11 - tmp2, shift) & 1023];
    out[o + 2] = RANGE_LIMIT[descale(tmp12 + tmp1, shift) & 1023];
    out[o + 5] = RANGE_LIMIT[descale(tmp12 - tmp1, shift) & 1023];
    out[o + 3] = RANGE_LIMIT[descale(tmp13 + tmp0, shift) & 1023];
    out[o + 4] = RANGE_LIMIT[descale(tmp13 - tmp0, shift) & 1023];
  }
}
