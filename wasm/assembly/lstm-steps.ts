/**
 * Every step of one LSTM direction for one batch entry, with the default activations (f =
 * Sigmoid, g = h = Tanh), no peepholes, clip or input_forget: the host's per-step work
 * (a product call, activation calls, the state loops) becomes one call per direction.
 *
 * Step t's gates (i, o, f, c; 4 * hidden floats, the input projection X·W^T + bias already
 * there) get Ht-1 · R^T added in place, R stored as ONNX has it (4 * hidden rows of hidden),
 * so each gate is one dot product of Ht-1 with a row: four rows at a time in four vector sums,
 * folded into one vector of four gates. Then Ct = f (.) Ct-1 + i (.) c and Ht = o (.) tanh(Ct)
 * go to the state and to Y's row of the step. Rows and states are read up to their ends and
 * no further; the last hidden % 4 elements one lane at a time.
 */
import { bytes, madd } from './layout';
import { sigmoid4, tanh4 } from './elementwise-math';

/** [sum(a), sum(b), sum(c), sum(d)] of four vectors' lanes. */
@inline function foldFour(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** gates[j] += h · r[j, :] for the 4 * hidden rows of r (hidden floats each). */
function addRecurrentProduct(gates: usize, r: usize, h: usize, hidden: i32): void {
  const rows = 4 * hidden;
  const whole = hidden & ~3;
  const rowBytes = bytes(hidden);
  for (let j = 0; j < rows; j += 4) {
    const r0 = r + <usize>j * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let p = 0; p < whole; p += 4) {
      const at = bytes(p);
      const hv = v128.load(h + at);
      s0 = madd(hv, v128.load(r0 + at), s0);
      s1 = madd(hv, v128.load(r1 + at), s1);
      s2 = madd(hv, v128.load(r2 + at), s2);
      s3 = madd(hv, v128.load(r3 + at), s3);
    }
    let sums = foldFour(s0, s1, s2, s3);
    for (let p = whole; p < hidden; p++) {
      const at = bytes(p);
      const hp = load<f32>(h + at);
      sums = f32x4.add(sums, f32x4.mul(f32x4.splat(hp), f32x4(load<f32>(r0 + at), load<f32>(r1 + at), load<f32>(r2 + at), load<f32>(r3 + at))));
    }
    const g = gates + bytes(j);
    v128.store(g, f32x4.add(v128.load(g), sums));
  }
}

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
 * `steps` steps of one direction: step t's gates at gates + t * gateStep, its Y row at
 * y + t * yStep (byte strides), t ascending or, with `reverse`, descending. h and c hold the
 * initial states and are left holding the final ones.
 */
export function lstmSteps(gates: usize, gateStep: i32, r: usize, h: usize, c: usize, y: usize, yStep: i32, steps: i32, hidden: i32, reverse: i32): void {
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const g = gates + <usize>t * <usize>gateStep;
    addRecurrentProduct(g, r, h, hidden);
    updateStates(g, h, c, y + <usize>t * <usize>yStep, hidden);
  }
}
