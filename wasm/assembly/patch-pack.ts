/**
 * Implicit im2col: packs a block of the column matrix of a convolution (one row per channel
 * and kernel tap, one column per window position) straight from the image into the NR-column
 * panels the micro-kernel reads, the layout pack.ts gives B. No column matrix is ever built.
 *
 * Row r of the matrix reads the plane elements at a fixed offset taps[r] from where each
 * window position starts (`fillTapOffsets`), so a panel is defined by the start offsets of its
 * NR positions. Where those are evenly spaced (all in one output row, or a 1x1 stride-1
 * convolution whose positions are the whole image), each panel row is one or two vector loads;
 * otherwise (a panel wrapping onto the next output row, any stride above 2) it is gathered
 * element by element.
 */
import { NR, bytes } from './layout';
import { LANE_OFFSETS_AT, threadScratch } from './thread-scratch';
import { dilationH, dilationW, kernelH, kernelW, outW, planeH, planeW, strideH, strideW } from './window';

/**
 * Floats the kernels may read past the end of an image in the current window: a stride-2
 * panel row loads 16 floats for 8, and the last vector of a depthwise or pooled row reads up
 * to 3 strides past the row. What they read there is dropped.
 */
export function imageSlack(): i32 {
  return 2 * NR + 4 * strideW;
}

/** table[(c * kernelH + ky) * kernelW + kx] = offset of tap (ky, kx) of channel c from a window's start, as i32. */
export function fillTapOffsets(channels: i32, table: usize): void {
  for (let c = 0; c < channels; c++) {
    for (let ky = 0; ky < kernelH; ky++) {
      for (let kx = 0; kx < kernelW; kx++, table += 4) {
        store<i32>(table, (c * planeH + ky * dilationH) * planeW + kx * dilationW);
      }
    }
  }
}

/**
 * Rows pc..pc+kc and columns (window positions) jc..jc+nc of the column matrix of the planes
 * at x, as panels of NR columns at out (panel jr at jr * kc), the last zero-padded.
 */
export function packPatches(x: usize, taps: usize, pc: i32, kc: i32, jc: i32, nc: i32, out: usize): void {
  // Start offsets of the current panel's NR positions.
  const laneOffsets = threadScratch + LANE_OFFSETS_AT;
  const rowStep = strideH * planeW;
  let oy = jc / outW;
  let ox = jc - oy * outW;
  const tapRows = taps + bytes(pc);
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const first = oy * rowStep + ox * strideW;
    let even = cols == NR;
    for (let j = 0; j < cols; j++) {
      const offset = oy * rowStep + ox * strideW;
      store<i32>(laneOffsets + bytes(j), offset);
      even = even && offset == first + j * strideW;
      if (++ox == outW) {
        ox = 0;
        oy++;
      }
    }
    const dst = out + bytes(jr * kc);
    if (even && strideW == 1) copyPanel(x + bytes(first), tapRows, kc, dst);
    else if (even && strideW == 2) copyPanelStride2(x + bytes(first), tapRows, kc, dst);
    else gatherPanel(x, tapRows, kc, cols, dst);
  }
}

function copyPanel(src: usize, tapRows: usize, kc: i32, dst: usize): void {
  for (let p = 0; p < kc; p++, dst += bytes(NR)) {
    const at = src + bytes(load<i32>(tapRows + bytes(p)));
    v128.store(dst, v128.load(at));
    v128.store(dst, v128.load(at, 16), 16);
  }
}

/** Every other element of 16 (the 16th, past the panel, is read and dropped: the image has slack). */
function copyPanelStride2(src: usize, tapRows: usize, kc: i32, dst: usize): void {
  for (let p = 0; p < kc; p++, dst += bytes(NR)) {
    const at = src + bytes(load<i32>(tapRows + bytes(p)));
    v128.store(dst, v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6));
    v128.store(dst, v128.shuffle<f32>(v128.load(at, 32), v128.load(at, 48), 0, 2, 4, 6), 16);
  }
}

function gatherPanel(x: usize, tapRows: usize, kc: i32, cols: i32, dst: usize): void {
  // Start offsets of the current panel's NR positions.
  const laneOffsets = threadScratch + LANE_OFFSETS_AT;
  for (let p = 0; p < kc; p++, dst += bytes(NR)) {
    const row = x + bytes(load<i32>(tapRows + bytes(p)));
    for (let j = 0; j < cols; j++) store<f32>(dst + bytes(j), load<f32>(row + bytes(load<i32>(laneOffsets + bytes(j)))));
    for (let j = cols; j < NR; j++) store<f32>(dst + bytes(j), 0);
  }
}
