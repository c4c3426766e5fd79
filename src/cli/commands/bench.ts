/** `onnxts bench MODEL`: session create time, first-run time, latency statistics and peak memory. */
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors/errors.js';
import { peakRssBytes, processMemory } from '../../platform/node-memory.js';
import { benchReportJson, formatBenchReport } from '../../tools/bench/format-bench-report.js';
import { loadOnnxtsModel } from '../../tools/bench/onnxts-model.js';
import { benchmarkSession, type SessionBenchReport } from '../../tools/bench/session-benchmark.js';
import { toJsonText } from '../../tools/json-text.js';
import { startProgress } from '../progress.js';

interface BenchCommandOptions {
  threads: string;
  iterations: string;
  warmup: string;
  seed: string;
  json?: boolean;
}

function integer(text: string, what: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${what} must be an integer of at least ${min}, got '${text}'`);
  return n;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('time a model: session creation, first run, median / p90 / min latency, peak memory')
    .argument('<model>', 'an .onnx file or URL')
    .option('--threads <n>', 'intra-op threads asked of the session', '1')
    .option('--iterations <n>', 'timed runs', '10')
    .option('--warmup <n>', 'untimed runs after the first', '2')
    .option('--seed <n>', 'seed of the random inputs', '0')
    .option('--json', 'print the numbers as JSON')
    .addHelpText('after', [
      '',
      'Inputs get seeded random data of their declared type and shape (symbolic dimensions 1), as',
      'with `onnxts run`. The first run is reported on its own, then --warmup runs go untimed.',
      'Peak RSS is the whole process high-water mark, model loading included.',
      '',
      'Examples:',
      '  onnxts bench model.onnx',
      '  onnxts bench model.onnx --iterations 50 --warmup 5 --json',
    ].join('\n'))
    .action(async (location: string, options: BenchCommandOptions) => {
      const threads = integer(options.threads, '--threads', 1);
      const iterations = integer(options.iterations, '--iterations', 1);
      const warmup = integer(options.warmup, '--warmup', 0);
      const seed = integer(options.seed, '--seed', 0);
      const loaded = await loadOnnxtsModel(location, threads, seed);
      const progress = startProgress(1 + warmup + iterations, 'bench', Boolean(options.json));
      let report: SessionBenchReport;
      try {
        report = await benchmarkSession(loaded, {
          iterations,
          warmup,
          memory: { sample: processMemory, peakRssBytes },
          onRun: (phase, ms) => progress.tick({ [phase]: `${ms.toFixed(1)} ms` }),
        });
      } finally {
        progress.stop();
        await loaded.release();
      }
      const context = { model: location, threads };
      process.stdout.write(options.json ? toJsonText(benchReportJson(report, context)) + '\n' : formatBenchReport(report, context));
    });
}
