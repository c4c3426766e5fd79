#!/usr/bin/env node
/**
 * `npm run bench`: the standard suite (model-builder architectures + the float models of
 * ../shared/models) on onnxts, onnxruntime-web (wasm) and onnxruntime-node, same inputs and
 * thread count, iterations alternating between runtimes. Prints a Markdown table and saves it
 * with the full numbers to bench-results/<date>.{md,json}. Needs `tsc` output in dist/.
 * With --zoo, the model-zoo architectures (model-builder/architectures/zoo) instead.
 *
 *   node scripts/bench.mjs [--zoo] [--models a,b] [--iterations N] [--warmup N] [--threads N]
 *                          [--shared-models DIR] [--out DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import * as onnxts from '../dist/index.js';
import { startProgress } from '../dist/cli/progress.js';
import { ortLikeRuntime, parseManifest, runSuite, standardSuite, suiteJson, suiteMarkdown, zooSuite } from '../dist/tools/bench/index.js';
import { toJsonText } from '../dist/tools/json-text.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function count(text, option, min) {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min) throw new Error(`${option} must be an integer of at least ${min}, got '${text}'`);
  return n;
}

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    zoo: { type: 'boolean', default: false },
    iterations: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
    'shared-models': { type: 'string', default: join(root, '..', 'shared', 'models') },
    out: { type: 'string', default: join(root, 'bench-results') },
  },
});
const iterations = count(values.iterations, '--iterations', 1);
const warmup = count(values.warmup, '--warmup', 0);
const threads = count(values.threads, '--threads', 1);
const sharedDir = values['shared-models'];

// Warnings about the models (unused initializers and the like) would bury the table.
const quiet = { logSeverityLevel: 3 };
ortWeb.env.wasm.numThreads = threads;
ortWeb.env.logLevel = 'error';
const runtimes = [
  ortLikeRuntime('onnxts', onnxts, { ...quiet, intraOpNumThreads: threads }),
  ortLikeRuntime('ort-web', ortWeb, { ...quiet, executionProviders: ['wasm'] }),
  ortLikeRuntime('ort-node', ortNode, { ...quiet, executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1 }),
];
const names = runtimes.map((r) => r.name);

const only = values.models?.split(',').map((s) => s.trim()).filter(Boolean);
const models = values.zoo
  ? zooSuite(only)
  : standardSuite(parseManifest(readFileSync(join(sharedDir, 'MANIFEST.json'), 'utf8')), (file) => new Uint8Array(readFileSync(join(sharedDir, file))), only);

const started = new Date();
const info = {
  date: started.toISOString(),
  threads,
  iterations,
  warmup,
  host: `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`,
};
const progress = startProgress(models.length * runtimes.length * (1 + warmup + iterations), 'bench', false);
const outcomes = await runSuite(models, runtimes, {
  iterations,
  warmup,
  reference: 'ort-node',
  onRun: ({ model, runtime, phase, ms }) => progress.tick({ model, runtime, [phase]: ms === undefined ? 'skipped' : `${ms.toFixed(1)} ms` }),
});
progress.stop();

const markdown = suiteMarkdown(outcomes, names, info, 'ort-node');
const stem = join(values.out, started.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z'));
mkdirSync(values.out, { recursive: true });
writeFileSync(`${stem}.md`, markdown);
writeFileSync(`${stem}.json`, toJsonText(suiteJson(outcomes, names, info)) + '\n');
process.stdout.write(`${markdown}\nSaved ${stem}.md and ${stem}.json\n`);
// onnxruntime-web's wasm worker threads would keep the process alive.
process.exit(0);
