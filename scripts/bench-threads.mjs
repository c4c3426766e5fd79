/**
 * onnxts alone at several intra-op thread counts: for each suite model and thread count, a
 * fresh process creates a session, runs it 3 times untimed and 10 times timed, and prints the
 * median and best; processes alternate between thread counts so slow phases of a shared
 * machine fall on both. No other runtime runs in between (onnxruntime's own thread pools, which
 * keep spinning after a run, would take the core our helpers compute on).
 *
 * Usage: npm run build && node scripts/bench-threads.mjs [--models resnet50,bert_base] [--threads 1,2] [--rounds 2]
 *        [--shared-models DIR]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'resnet50,bert_base' },
    threads: { type: 'string', default: '1,2' },
    rounds: { type: 'string', default: '2' },
    'shared-models': { type: 'string', default: fileURLToPath(new URL('../../shared/models/', import.meta.url)) },
    child: { type: 'string' },
    count: { type: 'string' },
  },
});
const modelsDir = args['shared-models'].endsWith('/') ? args['shared-models'] : `${args['shared-models']}/`;

if (args.child) {
  const onnxts = await import('../dist/index.js');
  const { parseManifest, standardSuite } = await import('../dist/tools/bench/index.js');
  const { recipeTensors } = await import('../dist/tools/model-builder/input-recipe.js');
  const { publicFromDense } = await import('../dist/api/value-conversion.js');
  const manifest = parseManifest(readFileSync(modelsDir + 'MANIFEST.json', 'utf8'));
  const [model] = standardSuite(manifest, (file) => new Uint8Array(readFileSync(modelsDir + file)), [args.child]);
  const session = await onnxts.InferenceSession.create(model.bytes(), { intraOpNumThreads: Number(args.count) });
  const feeds = Object.fromEntries([...recipeTensors(model.recipe)].map(([name, value]) => [name, publicFromDense(value)]));
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  await session.release();
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ median: (times[4] + times[5]) / 2, best: times[0] }));
  process.exit(0);
}

const threads = args.threads.split(',').map(Number);
const results = new Map();
for (let round = 0; round < Number(args.rounds); round++) {
  for (const model of args.models.split(',')) {
    for (const count of threads) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', model, '--count', String(count), '--shared-models', modelsDir]);
      const key = `${model} ${count}`;
      results.set(key, [...(results.get(key) ?? []), JSON.parse(out.toString())]);
    }
  }
}
console.log(`${'model'.padEnd(16)}${'threads'.padStart(8)}${'median ms'.padStart(12)}${'best ms'.padStart(10)}${'vs 1 thread (median, best)'.padStart(30)}`);
for (const model of args.models.split(',')) {
  const base = results.get(`${model} ${threads[0]}`);
  const baseMedian = Math.min(...base.map((r) => r.median));
  const baseBest = Math.min(...base.map((r) => r.best));
  for (const count of threads) {
    const runs = results.get(`${model} ${count}`);
    const median = Math.min(...runs.map((r) => r.median));
    const best = Math.min(...runs.map((r) => r.best));
    const ratio = `${(baseMedian / median).toFixed(2)}x, ${(baseBest / best).toFixed(2)}x`;
    console.log(`${model.padEnd(16)}${String(count).padStart(8)}${median.toFixed(1).padStart(12)}${best.toFixed(1).padStart(10)}${ratio.padStart(30)}`);
  }
}
