import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import * as onnxts from '../../src/index.js';
import { BenchSetupError } from '../../src/tools/bench/bench-setup-error.js';
import { parseFill, parseManifest } from '../../src/tools/bench/manifest-models.js';
import { ortLikeRuntime, type BenchRuntime, type LoadedModel } from '../../src/tools/bench/ort-like-runtime.js';
import { compareOutputs } from '../../src/tools/bench/output-comparison.js';
import { benchmarkSession } from '../../src/tools/bench/session-benchmark.js';
import { SHARED_SUITE_MODELS, standardSuite, type SuiteModel } from '../../src/tools/bench/standard-suite.js';
import { suiteMarkdown } from '../../src/tools/bench/suite-report.js';
import { runSuite, type SuiteRunEvent } from '../../src/tools/bench/suite.js';
import { latencyStats } from '../../src/tools/bench/statistics.js';
import { ARCHITECTURES } from '../../src/tools/model-builder/architectures/index.js';
import { imageRecipe } from '../../src/tools/model-builder/architectures/image-classifier.js';
import { squeezenet11 } from '../../src/tools/model-builder/architectures/squeezenet.js';
import { MODELS_DIR } from '../models/manifest.js';
import { checkBuilt, runCli } from '../cli/support/cli-process.js';

const INFO = { date: '2025-01-01T00:00:00.000Z', threads: 1, iterations: 3, warmup: 1, host: 'test host' };

/** A runtime that logs its runs and can fail at creation or at its n-th run. */
function fakeRuntime(name: string, log: string[], failAt?: { create?: boolean; run?: number }): BenchRuntime {
  return {
    name,
    async load(): Promise<LoadedModel> {
      if (failAt?.create) throw new TypeError(`${name} cannot load this`);
      let runs = 0;
      return {
        createMs: 1,
        async run() {
          runs++;
          log.push(name);
          if (runs === failAt?.run) throw new Error(`${name} broke on run ${runs}\nwith details`);
          return new Map([['y', Float32Array.of(name === 'off' ? 2 : 1, 1)]]);
        },
        async release() {},
      };
    },
  };
}

const tinyModel: SuiteModel = { name: 'tiny', origin: 'built', recipe: [], bytes: () => new Uint8Array(1) };

describe('statistics', () => {
  it('gives median, p90 (interpolated), min, max and mean', () => {
    expect(latencyStats([5, 1, 3, 2, 4])).toEqual({ count: 5, median: 3, p90: 4.6, min: 1, max: 5, mean: 3 });
    expect(latencyStats([2, 1]).median).toBe(1.5);
  });
});

describe('compareOutputs', () => {
  it('agrees within rtol 1e-3 / atol 1e-4 and reports the largest difference', () => {
    const ref = new Map([['a', Float32Array.of(1, 100, Number.NaN)]]);
    expect(compareOutputs(new Map([['a', Float32Array.of(1.00005, 100.05, Number.NaN)]]), ref).agrees).toBe(true);
    const off = compareOutputs(new Map([['a', Float32Array.of(1, 100.5, Number.NaN)]]), ref);
    expect(off.agrees).toBe(false);
    expect(off.maxAbsDiff).toBeCloseTo(0.5, 3);
    expect(compareOutputs(new Map([['a', Float32Array.of(1, 100, 0)]]), ref)).toMatchObject({ agrees: false, maxAbsDiff: Infinity });
    expect(compareOutputs(new Map(), ref).problem).toBe("output 'a' missing");
    expect(compareOutputs(new Map([['a', Float32Array.of(1)]]), ref).problem).toMatch(/1 elements, the reference 3/);
    expect(compareOutputs(new Map([['n', BigInt64Array.of(3n)]]), new Map([['n', BigInt64Array.of(3n)]])).agrees).toBe(true);
  });
});

describe('manifest recipes', () => {
  it('reads the fills of ../shared/models/MANIFEST.json', () => {
    expect(parseFill('uniform LCG(seed 42) in [-0.5,0.5)')).toEqual({ kind: 'uniform', low: -0.5, high: 0.5 });
    expect(parseFill('int ids LCG in [1,29)')).toEqual({ kind: 'ids', low: 1, high: 29 });
    expect(parseFill('all 16000')).toEqual({ kind: 'constant', value: 16000 });
    expect(() => parseFill('gaussian')).toThrow(BenchSetupError);
    const manifest = parseManifest(readFileSync(join(MODELS_DIR, 'MANIFEST.json'), 'utf8'));
    const silero = manifest.find((m) => m.name === 'silero_vad');
    expect(silero?.recipe.map((r) => [r.name, r.type, r.fill.kind])).toEqual([['input', 'float32', 'uniform'], ['state', 'float32', 'constant'], ['sr', 'int64', 'constant']]);
  });

  it('makes the standard suite: the architectures, then the shared float models, each read only when run', () => {
    const manifest = parseManifest(readFileSync(join(MODELS_DIR, 'MANIFEST.json'), 'utf8'));
    const read: string[] = [];
    const suite = standardSuite(manifest, (file) => { read.push(file); return new Uint8Array(); });
    expect(suite.map((m) => m.name)).toEqual([...ARCHITECTURES.map((a) => a.name), ...SHARED_SUITE_MODELS]);
    expect(read).toEqual([]);
    const [mnist] = standardSuite(manifest, (file) => { read.push(file); return new Uint8Array(); }, ['mnist_onnxjs']);
    mnist.bytes();
    expect(read).toEqual(['mnist_onnxjs.onnx']);
    expect(() => standardSuite(manifest, () => new Uint8Array(), ['nope'])).toThrow(/no model 'nope' in the suite/);
  });
});

describe('benchmarkSession', () => {
  it('times the first run, then warm-up, then the iterations, and keeps memory peaks', async () => {
    const phases: string[] = [];
    let heap = 0;
    const loaded: LoadedModel = { createMs: 12, run: async () => new Map(), release: async () => {} };
    const report = await benchmarkSession(loaded, {
      iterations: 4,
      warmup: 2,
      memory: { sample: () => ({ heapUsedBytes: (heap += 10), arrayBuffersBytes: 5 }), peakRssBytes: () => 1000 },
      onRun: (phase) => phases.push(phase),
    });
    expect(phases).toEqual(['first', 'warmup', 'warmup', 'timed', 'timed', 'timed', 'timed']);
    expect(report.createMs).toBe(12);
    expect(report.latency.count).toBe(4);
    expect(report.samples).toHaveLength(4);
    expect(report.memory).toEqual({ peakRssBytes: 1000, peakHeapUsedBytes: 80, peakArrayBuffersBytes: 5 });
  });
});

describe('runSuite', () => {
  it('alternates the runtimes, records failures and carries on with the others', async () => {
    const log: string[] = [];
    const events: SuiteRunEvent[] = [];
    const runtimes = [fakeRuntime('a', log), fakeRuntime('b', log, { create: true }), fakeRuntime('c', log, { run: 3 }), fakeRuntime('off', log)];
    const [outcome] = await runSuite([tinyModel], runtimes, { iterations: 3, warmup: 1, reference: 'a', onRun: (e) => events.push(e) });
    // First runs in order, then each round rotates who goes first; c dies on its third run.
    expect(log).toEqual(['a', 'c', 'off', 'a', 'c', 'off', 'c', 'off', 'a', 'off', 'a', 'off', 'a']);
    expect(events).toHaveLength(4 * 5);
    const [a, b, c, off] = outcome.runtimes;
    expect(a.latency?.count).toBe(3);
    expect(a.outputs).toBeUndefined();
    expect(b).toEqual({ runtime: 'b', error: 'create: TypeError: b cannot load this' });
    expect(c.error).toBe('run: c broke on run 3');
    expect(c.latency).toBeUndefined();
    expect(off.outputs).toMatchObject({ agrees: false, maxAbsDiff: 1 });

    const table = suiteMarkdown([outcome], ['a', 'b', 'c', 'off'], INFO, 'a');
    expect(table).toContain('| tiny | ');
    expect(table).toContain('| error | error |');
    expect(table).toContain('b failed: create: TypeError: b cannot load this');
    expect(table).toContain('off outputs differ from a: max abs diff 1.00e+0');
    expect(table).toMatch(/\| geometric mean \|.*\| - \| - \| [\d.]+x \| \|/);
  });

  it('reports a model that cannot be built as failed in every runtime', async () => {
    const broken: SuiteModel = { ...tinyModel, bytes: () => { throw new Error('no such file'); } };
    const [outcome] = await runSuite([broken], [fakeRuntime('a', [])], { iterations: 1, warmup: 0 });
    expect(outcome.runtimes).toEqual([{ runtime: 'a', error: 'model: no such file' }]);
  });

  it('runs onnxts and onnxruntime-node side by side on a built model, with agreeing outputs', async () => {
    const model: SuiteModel = { name: 'squeezenet', origin: 'built', recipe: imageRecipe({ imageSize: 64 }), bytes: () => squeezenet11({ imageSize: 64 }) };
    const runtimes = [
      ortLikeRuntime('onnxts', onnxts, { intraOpNumThreads: 1 }),
      ortLikeRuntime('ort-node', ort, { intraOpNumThreads: 1 }),
    ];
    const [outcome] = await runSuite([model], runtimes, { iterations: 2, warmup: 0, reference: 'ort-node' });
    const [ours, theirs] = outcome.runtimes;
    expect(ours.error).toBeUndefined();
    expect(theirs.error).toBeUndefined();
    expect(ours.outputs?.agrees).toBe(true);
    expect(ours.latency?.median).toBeGreaterThan(0);
    expect(suiteMarkdown([outcome], ['onnxts', 'ort-node'], INFO)).toMatch(/\| squeezenet \| [\d.]+ \| [\d.]+ \| [\d.]+x \|/);
  });
});

describe('onnxts bench', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnxts-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints create, first-run, latency and memory figures as JSON', () => {
    checkBuilt();
    const file = join(dir, 'squeezenet.onnx');
    writeFileSync(file, squeezenet11({ imageSize: 32 }));
    const result = runCli(['bench', file, '--iterations', '3', '--warmup', '1', '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ model: file, threads: 1, warmup: 1, latency: { count: 3 } });
    expect(report.samples).toHaveLength(3);
    expect(report.createMs).toBeGreaterThan(0);
    expect(report.firstRunMs).toBeGreaterThan(0);
    expect(report.memory.peakRssBytes).toBeGreaterThan(report.memory.peakArrayBuffersBytes);
  });

  it('prints a readable report, and refuses bad counts', () => {
    const file = join(dir, 'squeezenet.onnx');
    const text = runCli(['bench', file, '--iterations', '2', '--warmup', '0']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^model {6}.*\nthreads {4}1\ncreate {5}[\d.]+ ms\nfirst run {2}[\d.]+ ms\nlatency {4}median [\d.]+ ms, p90 [\d.]+ ms, min [\d.]+ ms \(2 runs after 0 warm-up\)\nmemory {5}peak RSS/);
    const bad = runCli(['bench', file, '--iterations', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--iterations must be an integer of at least 1, got '0'/);
  });
});
