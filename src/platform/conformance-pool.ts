/**
 * Runs conformance test folders on a pool of worker threads so that a test that crashes,
 * exhausts memory or hangs fails alone: its worker is replaced and the run goes on.
 */
import { Worker } from 'node:worker_threads';
import type { OptimizationLevel } from '../optimizer/optimize-model.js';

export interface PoolResult {
  readonly dir: string;
  readonly passed: boolean;
  readonly reason?: string;
  readonly ms: number;
}

export interface PoolOptions {
  readonly workers: number;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** False runs every test with the WebAssembly kernels off (env.wasm.simd = false). */
  readonly wasm: boolean;
  /** The graphOptimizationLevel every test's model is compiled at. */
  readonly level: OptimizationLevel;
  readonly onResult?: (result: PoolResult) => void;
}

export function runInPool(dirs: readonly string[], options: PoolOptions): Promise<PoolResult[]> {
  const queue = [...dirs];
  const results: PoolResult[] = [];
  return new Promise((resolveAll) => {
    let active = 0;
    const finish = (result: PoolResult): void => {
      results.push(result);
      options.onResult?.(result);
    };
    const startWorker = (): void => {
      if (queue.length === 0) {
        if (active === 0) resolveAll(results);
        return;
      }
      active++;
      const worker = new Worker(new URL('./conformance-worker.js', import.meta.url), {
        resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
        workerData: { wasm: options.wasm, level: options.level },
      });
      let current: { dir: string; started: number; timer: ReturnType<typeof setTimeout> } | undefined;
      const next = (): void => {
        const dir = queue.shift();
        if (dir === undefined) {
          current = undefined;
          void worker.terminate();
          return;
        }
        const timer = setTimeout(() => {
          if (!current) return;
          finish({ dir: current.dir, passed: false, reason: `timed out after ${options.timeoutMs / 1000} s`, ms: options.timeoutMs });
          current = undefined;
          void worker.terminate();
        }, options.timeoutMs);
        current = { dir, started: Date.now(), timer };
        worker.postMessage(dir);
      };
      worker.on('message', (m: { dir: string; passed: boolean; reason?: string }) => {
        if (!current || m.dir !== current.dir) return;
        clearTimeout(current.timer);
        finish({ ...m, ms: Date.now() - current.started });
        next();
      });
      worker.on('error', (error) => {
        if (current) {
          clearTimeout(current.timer);
          finish({ dir: current.dir, passed: false, reason: `crashed: ${error.message}`, ms: Date.now() - current.started });
          current = undefined;
        }
      });
      worker.on('exit', () => {
        if (current) {
          clearTimeout(current.timer);
          finish({ dir: current.dir, passed: false, reason: 'the test worker exited', ms: Date.now() - current.started });
          current = undefined;
        }
        active--;
        startWorker();
      });
      next();
    };
    const count = Math.max(1, Math.min(options.workers, dirs.length));
    for (let i = 0; i < count; i++) startWorker();
    if (dirs.length === 0) resolveAll(results);
  });
}
