/**
 * The sliding window of the current call, set once by setWindow and read by every kernel of
 * the conv module: the image planes as they lie in memory (planeH x planeW, padding included
 * when the host had the image padded), the kernel, strides, dilations and output grid. Window
 * position (oy, ox) reads plane element (oy * strideH + ky * dilationH, ox * strideW + kx *
 * dilationW) for tap (ky, kx): padding is in the plane, so no kernel checks bounds.
 */
export let planeH: i32 = 0;
export let planeW: i32 = 0;
export let kernelH: i32 = 0;
export let kernelW: i32 = 0;
export let strideH: i32 = 0;
export let strideW: i32 = 0;
export let dilationH: i32 = 0;
export let dilationW: i32 = 0;
export let outH: i32 = 0;
export let outW: i32 = 0;

export function setWindow(
  ph: i32, pw: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  planeH = ph; planeW = pw;
  kernelH = kh; kernelW = kw;
  strideH = sh; strideW = sw;
  dilationH = dh; dilationW = dw;
  outH = oh; outW = ow;
}
