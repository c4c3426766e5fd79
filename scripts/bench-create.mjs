#!/usr/bin/env node
/**
 * Session creation + first run, onnxts against onnxruntime-web (wasm, one thread), on the
 * standard suite. Every round makes a fresh session of each runtime, alternating which goes
 * first, so drift in the machine's load spreads over both. Prints best and median create,
 * first-run and total milliseconds per runtime and the ratio of totals (ours / ort-web), in
 * this process's CPU time (user + system: both runtimes run on this thread, and CPU time
 * holds steadier than wall time on a shared machine) or, with --wall, in wall time.
 * With --phases, also splits onnxts's create into decode, IR, inline, optimize (per pass) and
 * plan, timed on their own. Needs `tsc` output in dist/ (or a copy of this script with the
 * '../dist/' imports pointed at a private build).
 *
 *   node scripts/bench-create.mjs [--models a,b] [--rounds N] [--phases] [--wall] [--json FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ortWeb from 'onnxruntime-web';
import * as onnxts from '../dist/index.js';
import { parseManifest, standardSuite } from '../dist/tools/bench/index.js';
import { recipeTensors } from '../dist/tools/model-builder/input-recipe.js';
import { decodeModelProto } from '../dist/onnx/decode-model.js';
import { modelFromProto } from '../dist/ir/from-proto.js';
import { inlineModelFunctions } from '../dist/plan/inline-functions.js';
import { optimizeModel } from '../dist/optimizer/optimize-model.js';
import { ALL_PASSES } from '../dist/optimizer/passes.js';
import { planGraph } from '../dist/plan/planner.js';
import { defaultRegistry } from '../dist/kernels/default-registry.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    phases: { type: 'boolean', default: false },
    wall: { type: 'boolean', default: false },
    json: { type: 'string' },
    'shared-models': { type: 'string', default: join(root, '..', 'shared', 'models') },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got '${values.rounds}'`);
const sharedDir = values['shared-models'];

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';
const runtimes = [
  { name: 'onnxts', module: onnxts, options: { logSeverityLevel: 3, intraOpNumThreads: 1 } },
  { name: 'ort-web', module: ortWeb, options: { logSeverityLevel: 3, executionProviders: ['wasm'] } },
];

/** Milliseconds on the chosen clock. */
const now = values.wall
  ? () => performance.now()
  : () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };

async function createAndRun(runtime, bytes, feeds) {
  const start = now();
  const session = await runtime.module.InferenceSession.create(bytes, runtime.options);
  const created = now();
  const tensors = {};
  for (const [name, t] of feeds) tensors[name] = new runtime.module.Tensor(t.type, t.data, t.dims);
  const bound = now();
  await session.run(tensors);
  const done = now();
  await session.release();
  return { create: created - start, first: done - bound, total: created - start + done - bound };
}

/** onnxts's create split into its stages (one pass of each, outside any session). */
function phasesOf(bytes) {
  const registry = defaultRegistry();
  const times = {};
  const time = (label, f) => {
    const start = now();
    const result = f();
    times[label] = (times[label] ?? 0) + now() - start;
    return result;
  };
  const proto = time('decode', () => decodeModelProto(bytes));
  const model = time('ir', () => modelFromProto(proto, new Map()));
  const inlined = time('inline', () => inlineModelFunctions(model, registry));
  const timedPasses = ALL_PASSES.map((p) => ({ ...p, run: (m, c) => time(`pass ${p.name}`, () => p.run(m, c)) }));
  const optimized = time('optimize', () => optimizeWith(timedPasses, inlined, registry));
  time('plan', () => planGraph(optimized.graph, { registry, opsets: optimized.opsetImports }));
  return times;
}

/** optimizeModel over `passes` standing in for ALL_PASSES (same order, same levels). */
function optimizeWith(passes, model, registry) {
  const saved = [...ALL_PASSES];
  ALL_PASSES.splice(0, ALL_PASSES.length, ...passes);
  try {
    return optimizeModel(model, { level: 'all', registry, freezeInitializerInputs: true }).model;
  } finally {
    ALL_PASSES.splice(0, ALL_PASSES.length, ...saved);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const best = (xs) => Math.min(...xs);
const ms = (x) => x.toFixed(1).padStart(8);

const only = values.models?.split(',').map((s) => s.trim()).filter(Boolean);
const manifest = parseManifest(readFileSync(join(sharedDir, 'MANIFEST.json'), 'utf8'));
const models = standardSuite(manifest, (file) => new Uint8Array(readFileSync(join(sharedDir, file))), only);

const report = [];
console.log(`rounds ${rounds}; ${values.wall ? 'wall' : 'CPU'} ms, best (median)`);
console.log(`${'model'.padEnd(26)} ${'ours create'.padStart(18)} ${'ours first'.padStart(18)} ${'web create'.padStart(18)} ${'web first'.padStart(18)}   ratio best (median)`);
for (const model of models) {
  const bytes = model.bytes();
  const feeds = recipeTensors(model.recipe);
  const samples = Object.fromEntries(runtimes.map((r) => [r.name, []]));
  // One untimed session each: JIT warm-up and onnxruntime-web's module start.
  for (const runtime of runtimes) await createAndRun(runtime, bytes, feeds);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? runtimes : [...runtimes].reverse();
    for (const runtime of order) samples[runtime.name].push(await createAndRun(runtime, bytes, feeds));
  }
  const stat = (name, key) => ({ best: best(samples[name].map((s) => s[key])), median: median(samples[name].map((s) => s[key])) });
  const row = { model: model.name };
  for (const r of runtimes) row[r.name] = { create: stat(r.name, 'create'), first: stat(r.name, 'first'), total: stat(r.name, 'total') };
  row.ratio = { best: row.onnxts.total.best / row['ort-web'].total.best, median: row.onnxts.total.median / row['ort-web'].total.median };
  const cell = (s) => `${ms(s.best)} (${ms(s.median)})`;
  console.log(
    `${model.name.padEnd(26)} ${cell(row.onnxts.create)} ${cell(row.onnxts.first)} ${cell(row['ort-web'].create)} ${cell(row['ort-web'].first)}   ` +
      `${row.ratio.best.toFixed(2)}x (${row.ratio.median.toFixed(2)}x)`,
  );
  if (values.phases) {
    phasesOf(bytes);
    const runs = Array.from({ length: Math.max(3, Math.min(rounds, 5)) }, () => phasesOf(bytes));
    row.phases = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k] ?? 0))]));
    const top = Object.entries(row.phases).sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.5);
    console.log(`  phases (median ms): ${top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  report.push(row);
}
if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 1) + '\n');
// onnxruntime-web's wasm worker threads would keep the process alive.
process.exit(0);
