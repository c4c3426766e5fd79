/**
 * Batched transposes of 4-byte elements: the copies at the edges of a channels-last chain
 * (NCHW [C, H*W] <-> NHWC [H*W, C] per image) and any Transpose that reduces to one. Four
 * rows at a time, four columns per step: four loads, eight shuffles and four stores move a
 * 4x4 block, where an element-by-element loop pays a load and a store per element and reads
 * each source line across many columns.
 */
import { bytes } from './layout';

/** Rows per tile: sixteen rows fill one 64-byte line of each output row the tile writes. */
const TILE_ROWS = 16;
/** Columns per tile: the tile's output lines (one per column) stay in L1 until complete. */
const TILE_COLS = 64;

/**
 * x [batches, rows, cols] -> y [batches, cols, rows]: y[b, c, r] = x[b, r, c]. Bit copies, so
 * any 4-byte element type serves; x and y must not overlap.
 */
export function transpose32(x: usize, y: usize, batches: i32, rows: i32, cols: i32): void {
  const inRow = bytes(cols);
  const outRow = bytes(rows);
  const plane = <usize>rows * inRow;
  const fullRows = rows & ~3;
  for (let b = 0; b < batches; b++) {
    const from = x + <usize>b * plane;
    const to = y + <usize>b * plane;
    for (let r0 = 0; r0 < fullRows; r0 += TILE_ROWS) {
      const r1 = min(r0 + TILE_ROWS, fullRows);
      for (let c0 = 0; c0 < cols; c0 += TILE_COLS) {
        const c1 = min(c0 + TILE_COLS, cols);
        for (let r = r0; r < r1; r += 4) fourRows(from + <usize>r * inRow, to + bytes(r), inRow, outRow, c0, c1);
      }
    }
    for (let r = fullRows; r < rows; r++) {
      const source = from + <usize>r * inRow;
      const target = to + bytes(r);
      for (let c = 0; c < cols; c++) store<u32>(target + <usize>c * outRow, load<u32>(source + bytes(c)));
    }
  }
}

/** Columns [from, to) of rows x .. x + 3 (inRow bytes apart) into columns y .. y + 3 of those output rows (outRow bytes apart). */
@inline function fourRows(x: usize, y: usize, inRow: usize, outRow: usize, from: i32, to: i32): void {
  let c = from;
  for (; c + 4 <= to; c += 4) {
    const at = x + bytes(c);
    const a = v128.load(at);
    const b = v128.load(at + inRow);
    const d = v128.load(at + 2 * inRow);
    const e = v128.load(at + 3 * inRow);
    const ab01 = v128.shuffle<u32>(a, b, 0, 4, 1, 5);
    const ab23 = v128.shuffle<u32>(a, b, 2, 6, 3, 7);
    const de01 = v128.shuffle<u32>(d, e, 0, 4, 1, 5);
    const de23 = v128.shuffle<u32>(d, e, 2, 6, 3, 7);
    const out = y + <usize>c * outRow;
    v128.store(out, v128.shuffle<u32>(ab01, de01, 0, 1, 4, 5));
    v128.store(out + outRow, v128.shuffle<u32>(ab01, de01, 2, 3, 6, 7));
    v128.store(out + 2 * outRow, v128.shuffle<u32>(ab23, de23, 0, 1, 4, 5));
    v128.store(out + 3 * outRow, v128.shuffle<u32>(ab23, de23, 2, 3, 6, 7));
  }
  for (; c < to; c++) {
    const at = x + bytes(c);
    const out = y + <usize>c * outRow;
    store<u32>(out, load<u32>(at));
    store<u32>(out, load<u32>(at + inRow), 4);
    store<u32>(out, load<u32>(at + 2 * inRow), 8);
    store<u32>(out, load<u32>(at + 3 * inRow), 12);
  }
}
