/**
 * Runs several runtimes on the same models and inputs. Every runtime holds its session at once
 * and the timed iterations alternate between them (rotating who goes first), so drift in the
 * machine's state (thermal, other load) spreads over all runtimes instead of biasing one. A
 * runtime that fails on a model is recorded with its error and dropped for that model only.
 */
import { recipeTensors } from '../model-builder/input-recipe.js';
import { compareOutputs, type OutputComparison } from './output-comparison.js';
import type { BenchRuntime, LoadedModel, OutputData } from './ort-like-runtime.js';
import type { RunPhase } from './session-benchmark.js';
import { latencyStats, type LatencyStats } from './statistics.js';
import type { SuiteModel } from './standard-suite.js';

export interface RuntimeOutcome {
  readonly runtime: string;
  readonly createMs?: number;
  readonly firstRunMs?: number;
  readonly latency?: LatencyStats;
  readonly samples?: readonly number[];
  /** This runtime's first-run outputs against the reference runtime's (absent for the reference). */
  readonly outputs?: OutputComparison;
  /** Set when the runtime failed; then the timings it did finish may be missing. */
  readonly error?: string;
}

export interface ModelOutcome {
  readonly model: string;
  readonly origin: SuiteModel['origin'];
  readonly runtimes: readonly RuntimeOutcome[];
}

export interface SuiteRunEvent {
  readonly model: string;
  readonly runtime: string;
  readonly phase: RunPhase;
  /** Undefined when the run failed. */
  readonly ms?: number;
}

export interface SuiteOptions {
  readonly iterations: number;
  readonly warmup: number;
  /** The runtime whose outputs the others are compared with; none when absent or failed. */
  readonly reference?: string;
  /** Called after every run, failed ones included, and once per run a failure skipped: for a progress bar. */
  readonly onRun?: (event: SuiteRunEvent) => void;
}

interface RuntimeState {
  readonly runtime: BenchRuntime;
  loaded?: LoadedModel;
  createMs?: number;
  firstRunMs?: number;
  firstOutputs?: OutputData;
  readonly samples: number[];
  error?: string;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return message.split('\n')[0];
}

/** `items` starting at index `shift` (mod length), wrapping around. */
function rotated<T>(items: readonly T[], shift: number): T[] {
  const k = items.length === 0 ? 0 : shift % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function fail(state: RuntimeState, phase: string, error: unknown): Promise<void> {
  state.error = `${phase}: ${describe(error)}`;
  const loaded = state.loaded;
  state.loaded = undefined;
  state.firstOutputs = undefined;
  await loaded?.release().catch(() => undefined);
}

function outcome(state: RuntimeState, reference: RuntimeState | undefined): RuntimeOutcome {
  const compared = state !== reference && reference?.firstOutputs && state.firstOutputs
    ? { outputs: compareOutputs(state.firstOutputs, reference.firstOutputs) }
    : {};
  return {
    runtime: state.runtime.name,
    ...(state.createMs === undefined ? {} : { createMs: state.createMs }),
    ...(state.firstRunMs === undefined ? {} : { firstRunMs: state.firstRunMs }),
    ...(state.error === undefined && state.samples.length > 0 ? { latency: latencyStats(state.samples), samples: state.samples } : {}),
    ...compared,
    ...(state.error === undefined ? {} : { error: state.error }),
  };
}

export async function benchmarkModel(model: SuiteModel, runtimes: readonly BenchRuntime[], options: SuiteOptions): Promise<ModelOutcome> {
  const states: RuntimeState[] = runtimes.map((runtime) => ({ runtime, samples: [] }));
  const runsPerRuntime = 1 + options.warmup + options.iterations;
  const report = (state: RuntimeState, phase: RunPhase, ms?: number) => options.onRun?.({ model: model.name, runtime: state.runtime.name, phase, ms });
  const skipRest = (state: RuntimeState, done: number) => {
    for (let i = done; i < runsPerRuntime; i++) report(state, 'timed');
  };

  let prepared: { bytes: Uint8Array; feeds: ReturnType<typeof recipeTensors> } | undefined;
  try {
    prepared = { bytes: model.bytes(), feeds: recipeTensors(model.recipe) };
  } catch (error) {
    for (const state of states) {
      await fail(state, 'model', error);
      skipRest(state, 0);
    }
  }

  if (prepared) {
    for (const state of states) {
      try {
        state.loaded = await state.runtime.load(prepared.bytes, prepared.feeds);
        state.createMs = state.loaded.createMs;
        const start = performance.now();
        state.firstOutputs = await state.loaded.run();
        state.firstRunMs = performance.now() - start;
        report(state, 'first', state.firstRunMs);
      } catch (error) {
        await fail(state, state.loaded ? 'first run' : 'create', error);
        skipRest(state, 0);
      }
    }
    prepared = undefined;
    const rounds: RunPhase[] = [...Array<RunPhase>(options.warmup).fill('warmup'), ...Array<RunPhase>(options.iterations).fill('timed')];
    for (const [round, phase] of rounds.entries()) {
      for (const state of rotated(states, round)) {
        if (!state.loaded) continue;
        try {
          const start = performance.now();
          await state.loaded.run();
          const ms = performance.now() - start;
          if (phase === 'timed') state.samples.push(ms);
          report(state, phase, ms);
        } catch (error) {
          await fail(state, phase === 'timed' ? 'run' : 'warm-up run', error);
          report(state, phase);
          skipRest(state, round + 2);
        }
      }
    }
  }

  for (const state of states) {
    await state.loaded?.release().catch((error: unknown) => {
      state.error = `release: ${describe(error)}`;
    });
  }
  const reference = states.find((s) => s.runtime.name === options.reference && s.error === undefined);
  return { model: model.name, origin: model.origin, runtimes: states.map((s) => outcome(s, reference)) };
}

/** The models one after another; each model's sessions are released before the next loads. */
export async function runSuite(models: readonly SuiteModel[], runtimes: readonly BenchRuntime[], options: SuiteOptions): Promise<ModelOutcome[]> {
  const outcomes: ModelOutcome[] = [];
  for (const model of models) outcomes.push(await benchmarkModel(model, runtimes, options));
  return outcomes;
}
