/**
 * VP8 intra prediction and inverse transforms (RFC 6386 sections 12 and 14, as libwebp computes
 * them). Planes carry a one-sample border: the row above the image reads 127, the column left
 * of it 129, which is what the format specifies for missing neighbours.
 */
import { Mode } from './vp8-tokens.js';

export interface Plane {
  readonly data: Uint8Array;
  /** Bytes per row, border column and right margin included. */
  readonly stride: number;
  /** Index of sample (0, 0). */
  readonly origin: number;
}

export function createPlane(width: number, height: number): Plane {
  const stride = width + 1 + 4;
  const data = new Uint8Array(stride * (height + 1));
  data.fill(127, 0, stride);
  for (let y = 1; y <= height; y++) data[y * stride] = 129;
  return { data, stride, origin: stride + 1 };
}

const clip255 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);
const avg2 = (a: number, b: number): number => (a + b + 1) >> 1;
const avg3 = (a: number, b: number, c: number): number => (a + 2 * b + c + 2) >> 2;

/** Whole-block prediction (16x16 luma or 8x8 chroma) at `at`; `hasTop`/`hasLeft` pick the DC variant. */
export function predictBlock(plane: Plane, at: number, size: number, mode: number, hasTop: boolean, hasLeft: boolean): void {
  const { data, stride } = plane;
  const top = at - stride;
  if (mode === Mode.DC) {
    const shift = size === 16 ? 4 : 3;
    let sum = 0;
    if (hasTop) for (let x = 0; x < size; x++) sum += data[top + x];
    if (hasLeft) for (let y = 0; y < size; y++) sum += data[at + y * stride - 1];
    let dc = 128;
    if (hasTop && hasLeft) dc = (sum + size) >> (shift + 1);
    else if (hasTop || hasLeft) dc = (sum + (size >> 1)) >> shift;
    for (let y = 0; y < size; y++) data.fill(dc, at + y * stride, at + y * stride + size);
  } else if (mode === Mode.VE) {
    for (let y = 0; y < size; y++) data.copyWithin(at + y * stride, top, top + size);
  } else if (mode === Mode.HE) {
    for (let y = 0; y < size; y++) data.fill(data[at + y * stride - 1], at + y * stride, at + y * stride + size);
  } else {
    const corner = data[top - 1];
    for (let y = 0; y < size; y++) {
      const left = data[at + y * stride - 1] - corner;
      for (let x = 0; x < size; x++) data[at + y * stride + x] = clip255(data[top + x] + left);
    }
  }
}

/**
 * 4x4 prediction at `at`. `aboveRight` supplies the four samples past the block's top edge
 * (the macroblock's above-right samples for the rightmost column of subblocks).
 */
export function predictSubblock(plane: Plane, at: number, mode: number, aboveRight: ArrayLike<number>): void {
  const { data, stride } = plane;
  const t = at - stride;
  const X = data[t - 1];
  const [A, B, C, D] = [data[t], data[t + 1], data[t + 2], data[t + 3]];
  const [E, F, G, H] = [aboveRight[0], aboveRight[1], aboveRight[2], aboveRight[3]];
  const [I, J, K, L] = [data[at - 1], data[at + stride - 1], data[at + 2 * stride - 1], data[at + 3 * stride - 1]];
  const put = (x: number, y: number, v: number) => {
    data[at + y * stride + x] = v;
  };
  const rows = (values: readonly number[][]) => values.forEach((row, y) => row.forEach((v, x) => put(x, y, v)));
  switch (mode) {
    case Mode.DC: {
      const dc = (A + B + C + D + I + J + K + L + 4) >> 3;
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) put(x, y, dc);
      return;
    }
    case Mode.TM:
      for (let y = 0; y < 4; y++) {
        const left = [I, J, K, L][y] - X;
        for (let x = 0; x < 4; x++) put(x, y, clip255([A, B, C, D][x] + left));
      }
      return;
    case Mode.VE: {
      const row = [avg3(X, A, B), avg3(A, B, C), avg3(B, C, D), avg3(C, D, E)];
      rows([row, row, row, row]);
      return;
    }
    case Mode.HE: {
      const col = [avg3(X, I, J), avg3(I, J, K), avg3(J, K, L), avg3(K, L, L)];
      rows(col.map((v) => [v, v, v, v]));
      return;
    }
    case Mode.RD: {
      const d = [avg3(J, K, L), avg3(I, J, K), avg3(X, I, J), avg3(A, X, I), avg3(B, A, X), avg3(C, B, A), avg3(D, C, B)];
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) put(x, y, d[3 - y + x]);
      return;
    }
    case Mode.LD: {
      const d = [avg3(A, B, C), avg3(B, C, D), avg3(C, D, E), avg3(D, E, F), avg3(E, F, G), avg3(F, G, H), avg3(G, H, H)];
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) put(x, y, d[x + y]);
      return;
    }
    case Mode.VR:
      rows([
        [avg2(X, A), avg2(A, B), avg2(B, C), avg2(C, D)],
        [avg3(I, X, A), avg3(X, A, B), avg3(A, B, C), avg3(B, C, D)],
        [avg3(J, I, X), avg2(X, A), avg2(A, B), avg2(B, C)],
        [avg3(K, J, I), avg3(I, X, A), avg3(X, A, B), avg3(A, B, C)],
      ]);
      return;
    case Mode.VL:
      rows([
        [avg2(A, B), avg2(B, C), avg2(C, D), avg2(D, E)],
        [avg3(A, B, C), avg3(B, C, D), avg3(C, D, E), avg3(D, E, F)],
        [avg2(B, C), avg2(C, D), avg2(D, E), avg3(E, F, G)],
        [avg3(B, C, D), avg3(C, D, E), avg3(D, E, F), avg3(F, G, H)],
      ]);
      return;
    case Mode.HD:
      rows([
        [avg2(I, X), avg3(I, X, A), avg3(X, A, B), avg3(A, B, C)],
        [avg2(J, I), avg3(J, I, X), avg2(I, X), avg3(I, X, A)],
        [avg2(K, J), avg3(K, J, I), avg2(J, I), avg3(J, I, X)],
        [avg2(L, K), avg3(L, K, J), avg2(K, J), avg3(K, J, I)],
      ]);
      return;
    default:
      rows([
        [avg2(I, J), avg3(I, J, K), avg2(J, K), avg3(J, K, L)],
        [avg2(J, K), avg3(J, K, L), avg2(K, L), avg3(K, L, L)],
        [avg2(K, L), avg3(K, L, L), L, L],
        [L, L, L, L],
      ]);
  }
}

const mul1 = (a: number): number => ((a * 20091) >> 16) + a;
const mul2 = (a: number): number => (a * 35468) >> 16;
const transformTemp = new Int32Array(16);

/** Inverse DCT of coefficients[offset..+16], added to the 4x4 samples at `at`. */
export function addInverseTransform(coefficients: Int16Array, offset: number, plane: Plane, at: number): void {
  const tmp = transformTemp;
  for (let i = 0; i < 4; i++) {
    const c0 = coefficients[offset + i];
    const c4 = coefficients[offset + 4 + i];
    const c8 = coefficients[offset + 8 + i];
    const c12 = coefficients[offset + 12 + i];
    const a = c0 + c8;
    const b = c0 - c8;
    const c = mul2(c4) - mul1(c12);
    const d = mul1(c4) + mul2(c12);
    tmp[i * 4] = a + d;
    tmp[i * 4 + 1] = b + c;
    tmp[i * 4 + 2] = b - c;
    tmp[i * 4 + 3] = a - d;
  }
  const { data, stride } = plane;
  for (let i = 0; i < 4; i++) {
    const dc = tmp[i] + 4;
    const a = dc + tmp[8 + i];
    const b = dc - tmp[8 + i];
    const c = mul2(tmp[4 + i]) - mul1(tmp[12 + i]);
    const d = mul1(tmp[4 + i]) + mul2(tmp[12 + i]);
    const row = at + i * stride;
    data[row] = clip255(data[row] + ((a + d) >> 3));
    data[row + 1] = clip255(data[row + 1] + ((b + c) >> 3));
    data[row + 2] = clip255(data[row + 2] + ((b - c) >> 3));
    data[row + 3] = clip255(data[row + 3] + ((a - d) >> 3));
  }
}

/** Inverse Walsh-Hadamard transform of the luma DC block into coefficient 0 of each of 16 blocks. */
export function inverseWalshHadamard(input: Int16Array, out: Int16Array): void {
  const tmp = transformTemp;
  for (let i = 0; i < 4; i++) {
    const a0 = input[i] + input[12 + i];
    const a1 = input[4 + i] + input[8 + i];
    const a2 = input[4 + i] - input[8 + i];
    const a3 = input[i] - input[12 + i];
    tmp[i] = a0 + a1;
    tmp[8 + i] = a0 - a1;
    tmp[4 + i] = a3 + a2;
    tmp[12 + i] = a3 - a2;
  }
  for (let i = 0; i < 4; i++) {
    const dc = tmp[i * 4] + 3;
    const a0 = dc + tmp[i * 4 + 3];
    const a1 = tmp[i * 4 + 1] + tmp[i * 4 + 2];
    const a2 = tmp[i * 4 + 1] - tmp[i * 4 + 2];
    const a3 = dc - tmp[i * 4 + 3];
    out[(i * 4) * 16] = (a0 + a1) >> 3;
    out[(i * 4 + 1) * 16] = (a3 + a2) >> 3;
    out[(i * 4 + 2) * 16] = (a0 - a1) >> 3;
    out[(i * 4 + 3) * 16] = (a3 - a2) >> 3;
  }
}
