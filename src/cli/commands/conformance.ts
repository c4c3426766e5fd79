/** `onnxts conformance DIR...`: runs ONNX backend-format test folders and reports pass/fail. */
import type { Command } from 'commander';
import { runInPool, type PoolResult } from '../../platform/conformance-pool.js';
import { basename, fileExists, isFolder, join, listFolder, readText, resolve, writeBytes } from '../../platform/node-files.js';
import { nodePlatform } from '../../platform/node.js';
import { OPTIMIZATION_LEVELS } from '../../optimizer/optimize-model.js';
import { parseLevel } from './optimize.js';
import { startProgress } from '../progress.js';

interface ConformanceOptions {
  json?: boolean;
  expected?: string;
  writePasses?: string;
  workers: string;
  timeout: string;
  filter?: string;
  wasm: boolean;
  level: string;
}

async function testFolders(dirs: string[], filter: RegExp | undefined): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) {
    const abs = resolve(dir);
    if (!(await isFolder(abs))) throw new Error(`${dir} is not a folder`);
    if (fileExists(join(abs, 'model.onnx'))) found.push(abs);
    else for (const name of await listFolder(abs)) if (fileExists(join(abs, name, 'model.onnx'))) found.push(join(abs, name));
  }
  return found.filter((d) => !filter || filter.test(basename(d)));
}

export function registerConformance(program: Command): void {
  program
    .command('conformance')
    .description('run ONNX backend-format test folders (model.onnx + test_data_set_N) and report pass/fail')
    .argument('<dirs...>', 'test folders, or folders of test folders')
    .option('--json', 'print the results as JSON')
    .option('--expected <file>', 'a list of tests that must pass: exit 1 only when one of them fails')
    .option('--write-passes <file>', 'write the names of the passing tests to this file')
    .option('--workers <n>', 'worker threads running tests', String(nodePlatform.hardwareConcurrency()))
    .option('--timeout <seconds>', 'time limit per test', '120')
    .option('--filter <regex>', 'run only tests whose folder name matches')
    .option('--level <level>', `optimization level of every test's session: ${OPTIMIZATION_LEVELS.join(', ')}`, 'all')
    .option('--no-wasm', 'run with the WebAssembly kernels off (the portable TypeScript kernels only)')
    .action(async (dirs: string[], options: ConformanceOptions) => {
      const level = parseLevel(options.level, OPTIMIZATION_LEVELS);
      const folders = await testFolders(dirs, options.filter ? new RegExp(options.filter) : undefined);
      const progress = startProgress(folders.length, 'conformance', Boolean(options.json));
      let passed = 0;
      let failed = 0;
      const results = await runInPool(folders, {
        workers: Number(options.workers),
        timeoutMs: Number(options.timeout) * 1000,
        memoryMb: 6144,
        wasm: options.wasm,
        level,
        onResult: (r: PoolResult) => {
          if (r.passed) passed++;
          else failed++;
          progress.tick({ passed, failed });
        },
      });
      progress.stop();
      results.sort((a, b) => a.dir.localeCompare(b.dir));
      const passing = results.filter((r) => r.passed).map((r) => basename(r.dir));
      if (options.writePasses) await writeBytes(options.writePasses, passing.join('\n') + '\n');
      let regressions: string[] = [];
      if (options.expected) {
        const expected = (await readText(options.expected)).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
        const passSet = new Set(passing);
        const ran = new Set(results.map((r) => basename(r.dir)));
        regressions = expected.filter((name) => ran.has(name) && !passSet.has(name));
      }
      if (options.json) {
        process.stdout.write(JSON.stringify({
          passed, failed, regressions,
          results: results.map((r) => ({ test: basename(r.dir), passed: r.passed, reason: r.reason, ms: r.ms })),
        }, null, 2) + '\n');
      } else {
        for (const r of results) if (!r.passed) process.stdout.write(`FAIL ${basename(r.dir)}: ${r.reason}\n`);
        if (regressions.length) process.stdout.write(`\nexpected to pass but failed (${regressions.length}): ${regressions.join(', ')}\n`);
        process.stdout.write(`${passed} passed, ${failed} failed\n`);
      }
      process.exitCode = options.expected ? (regressions.length > 0 ? 1 : 0) : failed > 0 ? 1 : 0;
    });
}
