/**
 * Pointwise (1x1) convolution channels-last with few input channels: y [rows, n] =
 * act(x [rows, k] · W + bias + z), straight from the activations, with W packed once per
 * session in panels of eight output channels ([panels][k][8], zero past n). Where k is small
 * the GEMM's own costs (packing x, then a separate pass for bias, residual and activation)
 * weigh as much as its multiply-adds; here x is read in place, four pixels by eight channels
 * per register block, and bias, residual and activation are applied as the block is stored;
 * but an activation through e^x (Sigmoid, Tanh, SiLU), which calls out of line, runs over a
 * chunk of rows after it is stored, while it is in cache: in the block it would spill the
 * accumulators around every call.
 */
import { ACT_NONE, activate, setActivation } from './epilogue';
import { bytes, madd } from './layout';
import { activateRun, callsOutOfLine, loadLanes, storeLanes } from './nhwc-conv';

/** Output channels per panel: two vectors. */
const PANEL: i32 = 8;
/** Rows stored before their activation runs: a chunk of up to this many rows stays in L1. */
const CHUNK_ROWS: i32 = 32;

/**
 * y = act(x · W + bias + z) over `rows` pixels: x [rows, k], W packed [ceil(n / 8)][k][8],
 * bias [ceil(n / 8) * 8] (zero past n) or 0, z [rows, n] or 0, y [rows, n].
 */
export function nhwcPointwise(x: usize, rows: i32, k: i32, w: usize, n: i32, bias: usize, z: usize, y: usize, act: i32, alpha: f32, beta: f32): void {
  const afterwards = callsOutOfLine(act);
  storeAct = afterwards ? ACT_NONE : act;
  setActivation(alpha, beta);
  for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    const r1 = min(rows, r0 + CHUNK_ROWS);
    let r = r0;
    for (; r + 4 <= r1; r += 4) fourPixels(x + bytes(r * k), k, w, n, bias, z == 0 ? 0 : z + bytes(r * n), y + bytes(r * n));
    for (; r < r1; r++) onePixel(x + bytes(r * k), k, w, n, bias, z == 0 ? 0 : z + bytes(r * n), y + bytes(r * n));
    if (afterwards) activateRun(y + bytes(r0 * n), (r1 - r0) * n, act, alpha, beta);
  }
}

/** The activation applied as outputs are stored: the call's, or none where it runs afterwards. */
let storeAct: i32 = ACT_NONE;

/** act(v (one vector of a panel) plus z's lanes), stored: `lanes` of them, 4 for a whole vector. */
@inline function storeWithResidual(y: usize, z: usize, v: v128, lanes: i32): void {
  storeLanes(y, activate(z == 0 ? v : f32x4.add(v, loadLanes(z, lanes)), storeAct), lanes);
}

/** Both vectors of one pixel's panel at y (z), `lanes` (1 to 8) of its channels in use. */
@inline function storePanel(y: usize, z: usize, lo: v128, hi: v128, lanes: i32): void {
  if (lanes >= 8) {
    storeWithResidual(y, z, lo, 4);
    storeWithResidual(y + 16, z == 0 ? 0 : z + 16, hi, 4);
    return;
  }
  storeWithResidual(y, z, lo, min(lanes, 4));
  if (lanes > 4) storeWithResidual(y + 16, z == 0 ? 0 : z + 16, hi, lanes - 4);
}

/** Four consecutive pixels (x, z, y at the first) by every panel. */
function fourPixels(x: usize, k: i32, w: usize, n: i32, bias: usize, z: usize, y: usize): void {
  const xRow = bytes(k);
  const yRow = bytes(n);
  const panelBytes = bytes(k * PANEL);
  for (let j = 0; j < n; j += PANEL) {
    const b0 = bias == 0 ? f32x4.splat(0) : v128.load(bias + bytes(j));
    const b1 = bias == 0 ? f32x4.splat(0) : v128.load(bias + bytes(j) + 16);
    let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
    let wp = w + <usize>(j / PANEL) * panelBytes;
    let xp = x;
    for (let kk = 0; kk < k; kk++, wp += 32, xp += 4) {
      const w0 = v128.load(wp);
      const w1 = v128.load(wp, 16);
      const s0 = v128.load32_splat(xp);
      const s1 = v128.load32_splat(xp + xRow);
      const s2 = v128.load32_splat(xp + 2 * xRow);
      const s3 = v128.load32_splat(xp + 3 * xRow);
      a00 = madd(s0, w0, a00);
      a01 = madd(s0, w1, a01);
      a10 = madd(s1, w0, a10);
      a11 = madd(s1, w1, a11);
      a20 = madd(s2, w0, a20);
      a21 = madd(s2, w1, a21);
      a30 = madd(s3, w0, a30);
      a31 = madd(s3, w1, a31);
    }
    const lanes = n - j;
    const at = bytes(j);
    const zAt = z == 0 ? 0 : z + at;
    storePanel(y + at, zAt, a00, a01, lanes);
    storePanel(y + yRow + at, zAt == 0 ? 0 : zAt + yRow, a10, a11, lanes);
    storePanel(y + 2 * yRow + at, zAt == 0 ? 0 : zAt + 2 * yRow, a20, a21, lanes);
    storePanel(y + 3 * yRow + at, zAt == 0 ? 0 : zAt + 3 * yRow, a30, a31, lanes);
  }
}

/** One pixel by every panel: the rows past the last four. */
function onePixel(x: usize, k: i32, w: usize, n: i32, bias: usize, z: usize, y: usize): void {
  const panelBytes = bytes(k * PANEL);
  for (let j = 0; j < n; j += PANEL) {
    let a0 = bias == 0 ? f32x4.splat(0) : v128.load(bias + bytes(j));
    let a1 = bias == 0 ? f32x4.splat(0) : v128.load(bias + bytes(j) + 16);
    let wp = w + <usize>(j / PANEL) * panelBytes;
    for (let kk = 0; kk < k; kk++, wp += 32) {
      const s = v128.load32_splat(x + bytes(kk));
      a0 = madd(s, v128.load(wp), a0);
      a1 = madd(s, v128.load(wp, 16), a1);
    }
    storePanel(y + bytes(j), z == 0 ? 0 : z + bytes(j), a0, a1, n - j);
  }
}
