/**
 * The micro-kernel's tile of C, 5 rows by 8 columns (wasm/assembly/layout.ts): work cut at
 * multiples of it is cut into the very tiles the whole product computes.
 */
export const MR = 5;
export const NR = 8;
