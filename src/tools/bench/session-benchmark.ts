/**
 * Times one loaded model: the first run on its own (it pays for lazy allocation and JIT
 * warm-up), then untimed warm-up runs, then the timed iterations.
 */
import { MemoryPeaks, type MemoryProbe, type MemoryReport } from './memory-probe.js';
import type { LoadedModel } from './ort-like-runtime.js';
import { latencyStats, type LatencyStats } from './statistics.js';

export type RunPhase = 'first' | 'warmup' | 'timed';

export interface SessionBenchOptions {
  readonly iterations: number;
  readonly warmup: number;
  readonly memory?: MemoryProbe;
  /** Called after every run, e.g. to move a progress bar. */
  readonly onRun?: (phase: RunPhase, ms: number) => void;
}

export interface SessionBenchReport {
  readonly createMs: number;
  readonly firstRunMs: number;
  readonly warmup: number;
  readonly latency: LatencyStats;
  readonly samples: readonly number[];
  readonly memory?: MemoryReport;
}

async function timed(loaded: LoadedModel): Promise<number> {
  const start = performance.now();
  await loaded.run();
  return performance.now() - start;
}

export async function benchmarkSession(loaded: LoadedModel, options: SessionBenchOptions): Promise<SessionBenchReport> {
  const peaks = options.memory ? new MemoryPeaks(options.memory) : undefined;
  peaks?.sample();
  const step = async (phase: RunPhase): Promise<number> => {
    const ms = await timed(loaded);
    peaks?.sample();
    options.onRun?.(phase, ms);
    return ms;
  };
  const firstRunMs = await step('first');
  for (let i = 0; i < options.warmup; i++) await step('warmup');
  const samples: number[] = [];
  for (let i = 0; i < options.iterations; i++) samples.push(await step('timed'));
  return {
    createMs: loaded.createMs,
    firstRunMs,
    warmup: options.warmup,
    latency: latencyStats(samples),
    samples,
    ...(peaks ? { memory: peaks.report() } : {}),
  };
}
