import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Node 20 runs relaxed SIMD only behind this flag; with it, both wasm GEMM builds are tested.
    execArgv: ['--experimental-wasm-relaxed-simd'],
  },
});
