/**
 * Every step of one LSTM direction for batch entries whose sequences are whole, with the
 * default activations (f = Sigmoid, g = h = Tanh), no peepholes, clip or input_forget: the
 * host's per-step work (a product call, activation calls, the state loops) becomes one call
 * per direction.
 *
 * Step t's gates (i, o, f, c; 4 * hidden floats, the input projection X·W^T + bias already
 * there) get Ht-1 · R^T added in place (recurrent-rows.ts). Then Ct = f (.) Ct-1 + i (.) c
 * and Ht = o (.) tanh(Ct) go to the state and to Y's row of the step. Rows and states are
 * read up to their ends and no further; the last hidden % 4 elements one lane at a time.
 */
import { bytes, madd } from './layout';
import { sigmoid4, tanh4 } from './elementwise-math';
import { rowProducts } from './recurrent-rows';

/** Ct and Ht of lanes `at` (bytes) .. + 16 from gate vectors i, o, f, c: returns Ht, stores Ct. */
@inline function advance(i: v128, o: v128, f: v128, candidate: v128, cAt: usize): v128 {
  const cell = madd(sigmoid4(f), v128.load(cAt), f32x4.mul(sigmoid4(i), tanh4(candidate)));
  v128.store(cAt, cell);
  return f32x4.mul(sigmoid4(o), tanh4(cell));
}

/** The cell update of one step from its gates (i, o, f, c blocks of `hidden`), into c, h and y. */
function updateStates(gates: usize, h: usize, c: usize, y: usize, hidden: i32): void {
  const block = bytes(hidden);
  const whole = hidden & ~3;
  for (let j = 0; j < whole; j += 4) {
    const g = gates + bytes(j);
    const ht = advance(v128.load(g), v128.load(g + block), v128.load(g + 2 * block), v128.load(g + 3 * block), c + bytes(j));
    v128.store(h + bytes(j), ht);
    v128.store(y + bytes(j), ht);
  }
  for (let j = whole; j < hidden; j++) {
    const g = gates + bytes(j);
    const cAt = c + bytes(j);
    const i = sigmoid4(f32x4.splat(load<f32>(g)));
    const o = sigmoid4(f32x4.splat(load<f32>(g + block)));
    const f = sigmoid4(f32x4.splat(load<f32>(g + 2 * block)));
    const candidate = tanh4(f32x4.splat(load<f32>(g + 3 * block)));
    const cell = f32x4.extract_lane(madd(f, f32x4.splat(load<f32>(cAt)), f32x4.mul(i, candidate)), 0);
    store<f32>(cAt, cell);
    const ht = f32x4.extract_lane(f32x4.mul(o, tanh4(f32x4.splat(cell))), 0);
    store<f32>(h + bytes(j), ht);
    store<f32>(y + bytes(j), ht);
  }
}

/**
 * `steps` steps of one direction for `batch` entries: step t's gates for entry b at
 * gates + t * gateStep + b * gateBatchStep, its Y row at y + t * yStep + b * yBatchStep (byte
 * strides), t ascending or, with `reverse`, descending. h and c ([batch, hidden]) hold the
 * initial states and are left holding the final ones.
 */
export function lstmSteps(
  gates: usize, gateStep: i32, gateBatchStep: i32, r: usize, h: usize, c: usize,
  y: usize, yStep: i32, yBatchStep: i32, steps: i32, batch: i32, hidden: i32, reverse: i32,
): void {
  const state = bytes(hidden);
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const g = gates + <usize>t * <usize>gateStep + <usize>b * <usize>gateBatchStep;
      const hb = h + <usize>b * state;
      rowProducts(g, r, hb, 4 * hidden, hidden, true);
      updateStates(g, hb, c + <usize>b * state, y + <usize>t * <usize>yStep + <usize>b * <usize>yBatchStep, hidden);
    }
  }
}
