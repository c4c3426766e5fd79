/**
 * Sizes of the packed layout and of the cache blocks, shared by packing and the kernel.
 *
 * The micro-kernel keeps an MR x NR tile of C in MR * 2 f32x4 accumulators, and is written
 * out for 5 x 8 (micro-kernel.ts changes with these two). x64 engines give wasm 15 usable
 * vector registers (V8 keeps xmm15 as scratch): 5 x 8 needs 10 accumulators, 2 B vectors, an
 * A broadcast and a product temporary, which fits. Measured on one Zen 5 core, 1024^3: 4 x 8
 * reaches 42 GFLOP/s, 5 x 8 52, 6 x 8 23 (it spills with separate mul and add); with relaxed
 * SIMD's fused multiply-add 6 x 8 fits too, but at 52-54 it is within noise of 5 x 8, so both
 * builds share one shape and one packed layout. KC x NR panels of B (8 KiB) stay in L1 while
 * MC x KC of A (120 KiB) stays in L2; the optimum is flat around these values (KC 192..512,
 * MC 60..240, NC 512..2048 all within 3%).
 */
export const MR: i32 = 5;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 120;
export const NC: i32 = 1024;

/** Byte offset of an f32 element index. */
@inline export function bytes(elements: i32): usize {
  return <usize>elements << 2;
}

@inline export function roundUp(x: i32, multiple: i32): i32 {
  return (x + multiple - 1) / multiple * multiple;
}

/**
 * acc + a * b. The relaxed-SIMD build lets the engine fuse it (one FMA instruction, one
 * rounding); the plain build is an exact mul then add. Both stay within the f32 dot-product
 * error bound the tests check.
 */
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}
