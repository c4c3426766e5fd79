/**
 * Every step of one GRU direction for batch entries whose sequences are whole, with
 * linear_before_reset, the default activations (f = Sigmoid, g = Tanh) and no clip: one call
 * per direction where the host would make a product call and run its loops per step.
 *
 * Step t's gates (z, r, h; 3 * hidden floats) hold the input projection X·W^T plus Wb + Rb for
 * z and r and Wbh for h. The step computes Ht-1 · R^T for all three gates into `product`
 * (recurrent-rows.ts), then
 *   z = f(gz + pz), r = f(gr + pr), c = g(gh + r (.) (ph + Rbh)), Ht = (1 - z) (.) c + z (.) Ht-1
 * into the state and Y's row of the step. The last hidden % 4 elements go one lane at a time.
 */
import { bytes } from './layout';
import { sigmoid4, tanh4 } from './elementwise-math';
import { rowProducts } from './recurrent-rows';

/** Ht of four lanes from the gate inputs, the products, Rbh and Ht-1. */
@inline function advance(gz: v128, gr: v128, gh: v128, pz: v128, pr: v128, ph: v128, rbh: v128, h: v128): v128 {
  const z = sigmoid4(f32x4.add(gz, pz));
  const r = sigmoid4(f32x4.add(gr, pr));
  const candidate = tanh4(f32x4.add(gh, f32x4.mul(r, f32x4.add(ph, rbh))));
  return f32x4.add(candidate, f32x4.mul(z, f32x4.sub(h, candidate)));
}

function updateState(gates: usize, product: usize, rbh: usize, h: usize, y: usize, hidden: i32): void {
  const block = bytes(hidden);
  const whole = hidden & ~3;
  for (let j = 0; j < whole; j += 4) {
    const at = bytes(j);
    const g = gates + at;
    const p = product + at;
    const ht = advance(
      v128.load(g), v128.load(g + block), v128.load(g + 2 * block),
      v128.load(p), v128.load(p + block), v128.load(p + 2 * block), v128.load(rbh + at), v128.load(h + at),
    );
    v128.store(h + at, ht);
    v128.store(y + at, ht);
  }
  for (let j = whole; j < hidden; j++) {
    const at = bytes(j);
    const g = gates + at;
    const p = product + at;
    const ht = f32x4.extract_lane(advance(
      v128.load32_splat(g), v128.load32_splat(g + block), v128.load32_splat(g + 2 * block),
      v128.load32_splat(p), v128.load32_splat(p + block), v128.load32_splat(p + 2 * block), v128.load32_splat(rbh + at), v128.load32_splat(h + at),
    ), 0);
    store<f32>(h + at, ht);
    store<f32>(y + at, ht);
  }
}

/**
 * `steps` steps of one direction for `batch` entries: step t's gates for entry b at
 * gates + t * gateStep + b * gateBatchStep, its Y row at y + t * yStep + b * yBatchStep (byte
 * strides), t ascending or, with `reverse`, descending. `rbh`: hidden floats; `product`:
 * 3 * hidden floats of scratch. h ([batch, hidden]) holds the initial states and is left
 * holding the final ones.
 */
export function gruSteps(
  gates: usize, gateStep: i32, gateBatchStep: i32, r: usize, rbh: usize, h: usize, product: usize,
  y: usize, yStep: i32, yBatchStep: i32, steps: i32, batch: i32, hidden: i32, reverse: i32,
): void {
  const state = bytes(hidden);
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const hb = h + <usize>b * state;
      rowProducts(product, r, hb, 3 * hidden, hidden, false);
      updateState(gates + <usize>t * <usize>gateStep + <usize>b * <usize>gateBatchStep, product, rbh, hb, y + <usize>t * <usize>yStep + <usize>b * <usize>yBatchStep, hidden);
    }
  }
}
