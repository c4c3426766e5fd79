#!/usr/bin/env node
/**
 * How responsive the calling thread's event loop stays while a model runs back to back:
 *   onnxts in-thread    InferenceSession.create(model) (kernels run on this thread)
 *   onnxts worker       the same with extra: { runInWorker: true } (this thread only posts)
 *   onnxruntime-node    native, its own threads
 * Each runs the model in a loop for --seconds, yielding to the event loop between runs (as a
 * server handling requests would), while perf_hooks.monitorEventLoopDelay and a 1 ms
 * setInterval watch this thread. Prints the delay's max and p99 per runtime (milliseconds),
 * the interval's longest gap, and the runs done.
 *
 * Usage: npm run build && node scripts/bench-event-loop.mjs [--dist DIR]
 *          [--model NAME|PATH] [--seconds S] [--threads N] [--shared-models DIR]
 * NAME is a model of ../shared/models/MANIFEST.json, whose input recipe makes the feeds.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: join(root, 'dist') },
    model: { type: 'string', default: 'super_resolution_tutorial' },
    seconds: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1' },
    'shared-models': { type: 'string', default: join(root, '..', 'shared', 'models') },
  },
});
const seconds = Number(args.seconds);
const threads = Number(args.threads);
const load = (path) => import(pathToFileURL(resolve(args.dist, path)).href);
const onnxts = await load('index.js');
const { parseManifest } = await load('tools/bench/manifest-models.js');
const { recipeTensors } = await load('tools/model-builder/input-recipe.js');

const manifest = parseManifest(readFileSync(join(args['shared-models'], 'MANIFEST.json'), 'utf8'));
const entry = manifest.find((m) => m.name === args.model || m.file === args.model);
if (!entry) throw new Error(`--model ${args.model} is not in ${args['shared-models']}/MANIFEST.json`);
const modelPath = join(args['shared-models'], entry.file);
const recipe = recipeTensors(entry.recipe);
const feedsFor = (Tensor) => Object.fromEntries([...recipe].map(([name, t]) => [name, new Tensor(t.type, t.data, t.dims)]));

const runtimes = [
  { name: 'onnxts in-thread', create: () => onnxts.InferenceSession.create(modelPath, { intraOpNumThreads: threads }), Tensor: onnxts.Tensor },
  {
    name: 'onnxts worker',
    create: () => onnxts.InferenceSession.create(modelPath, { intraOpNumThreads: threads, extra: { runInWorker: true } }),
    Tensor: onnxts.Tensor,
  },
  {
    name: 'onnxruntime-node',
    create: () => ort.InferenceSession.create(modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 }),
    Tensor: ort.Tensor,
  },
];

/** A timer, not setImmediate: the loop's timers phase (where the watchers run) comes between runs. */
const yieldToTimers = () => new Promise((done) => setTimeout(done, 0));

async function measure(runtime) {
  const session = await runtime.create();
  const feeds = feedsFor(runtime.Tensor);
  await session.run(feeds);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
  }, 1);
  histogram.enable();
  const began = performance.now();
  let runs = 0;
  while (performance.now() - began < seconds * 1000) {
    await session.run(feeds);
    runs++;
    await yieldToTimers();
  }
  const elapsed = performance.now() - began;
  histogram.disable();
  clearInterval(ticker);
  await session.release();
  const ms = (ns) => ns / 1e6;
  return { name: runtime.name, max: ms(histogram.max), p99: ms(histogram.percentile(99)), gap: longestGap, runs, msPerRun: elapsed / runs };
}

console.log(`${entry.name}, ${seconds} s per runtime, intraOpNumThreads ${threads}; delays in ms\n`);
console.log('| runtime | event-loop delay max | p99 | longest 1 ms interval gap | runs | ms/run |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const runtime of runtimes) {
  const r = await measure(runtime);
  console.log(`| ${r.name} | ${r.max.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.gap.toFixed(1)} | ${r.runs} | ${r.msPerRun.toFixed(1)} |`);
}
