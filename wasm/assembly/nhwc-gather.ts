/**
 * Strided copies of 4-byte elements, here instead of in JavaScript, where each element costs a
 * bounds-checked load and store through a polymorphic typed-array access and each short run a
 * call: gathers whose innermost step is not one element (a Slice with steps: YOLOX's Focus
 * takes every second column), and runs of a few words between strided rows (a channels-last
 * Concat).
 */

/**
 * y[i, j, k] = x[i * s0 + j * s1 + k * s2] for i < d0, j < d1, k < d2, with x the address of
 * element offset 0 and strides in elements, any sign; y is written densely. Bit copies.
 */
export function gather32(x: usize, y: usize, d0: i32, s0: i32, d1: i32, s1: i32, d2: i32, s2: i32): void {
  let out = y;
  const step = <isize>s2 << 2;
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      let at = <isize>x + ((<isize>i * s0 + <isize>j * s1) << 2);
      let k = 0;
      for (; k + 4 <= d2; k += 4, out += 16) {
        store<u32>(out, load<u32>(at));
        store<u32>(out, load<u32>(at + step), 4);
        store<u32>(out, load<u32>(at + 2 * step), 8);
        store<u32>(out, load<u32>(at + 3 * step), 12);
        at += 4 * step;
      }
      for (; k < d2; k++, out += 4, at += step) store<u32>(out, load<u32>(at));
    }
  }
}

/**
 * `rows` runs of `words` 4-byte elements from x (runs xStride elements apart) to y (yStride
 * apart): a Concat's blocks, which channels-last are a pixel's few channels each. Bit copies.
 */
export function copyRuns32(x: usize, y: usize, rows: i32, words: i32, xStride: i32, yStride: i32): void {
  const vectors = words & ~3;
  for (let r = 0; r < rows; r++) {
    const from = x + (<usize>r * <usize>xStride << 2);
    const to = y + (<usize>r * <usize>yStride << 2);
    let at: usize = 0;
    const end = <usize>vectors << 2;
    for (; at < end; at += 16) v128.store(to + at, v128.load(from + at));
    for (; at < (<usize>words << 2); at += 4) store<u32>(to + at, load<u32>(from + at));
  }
}
