/** `onnxts profile MODEL`: runs a model with profiling on, writes the trace and prints the bottlenecks. */
import type { Command } from 'commander';
import { InferenceSession } from '../../api/inference-session.js';
import { runModel } from '../../tools/run-model.js';
import { formatProfileReport, profileReport } from '../../tools/profile-report.js';
import { writeBytes } from '../../platform/node-files.js';
import { startProgress } from '../progress.js';

interface ProfileOptions {
  trace?: string;
  runs: string;
  warmup: string;
  top: string;
  json?: boolean;
}

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('run a model with profiling on, write a Chrome-trace JSON (opens in Perfetto) and print where the time goes')
    .argument('<model>', 'ONNX model file')
    .option('--trace <file>', 'where to write the trace', 'onnxts-profile.json')
    .option('--runs <n>', 'profiled runs', '3')
    .option('--warmup <n>', 'runs before profiling starts', '1')
    .option('--top <n>', 'rows per table', '15')
    .option('--json', 'print the report as JSON')
    .action(async (model: string, options: ProfileOptions) => {
      const session = await InferenceSession.create(model);
      const runs = Number(options.runs);
      const warmup = Number(options.warmup);
      const progress = startProgress(warmup + runs, 'profile', Boolean(options.json));
      for (let i = 0; i < warmup; i++) {
        await runModel(session);
        progress.tick({ phase: 'warmup' });
      }
      session.startProfiling();
      for (let i = 0; i < runs; i++) {
        await runModel(session);
        progress.tick({ phase: 'profiling' });
      }
      progress.stop();
      // The trace goes to --trace; endProfiling() would also write one under the default prefix.
      const events = session.profilingEvents();
      await writeBytes(options.trace ?? 'onnxts-profile.json', JSON.stringify(events));
      const report = profileReport(events);
      if (options.json) process.stdout.write(JSON.stringify({ trace: options.trace, ...report }, null, 2) + '\n');
      else process.stdout.write(`${formatProfileReport(report, Number(options.top))}\n\ntrace: ${options.trace}\n`);
    });
}
