// What the micro-benchmark scripts share: seeded operands and a best-of timer.

/** Seeded (the manifest's 32-bit LCG), so runs compare: values in [-1, 1). */
export function randomFloats(length, seed) {
  const out = new Float32Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(1103515245, s) + 12345) >>> 0;
    out[i] = (s >>> 1) / 2 ** 30 - 1;
  }
  return out;
}

/** Best milliseconds per call: warm up, then time batches of at least ~20 ms, `rounds` times. */
export async function bestMs(call, rounds) {
  await call();
  let reps = 1;
  for (let t0 = performance.now(); performance.now() - t0 < 20; reps *= 2) for (let i = 0; i < reps; i++) await call();
  reps = Math.max(1, reps >> 2);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await call();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best;
}
