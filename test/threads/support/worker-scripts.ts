/**
 * The worker entry scripts, bundled from their TypeScript sources into a temporary folder so
 * that worker_threads can run them under vitest (which compiles only the main thread's
 * modules). The folder holds node-session-worker.js and node-gemm-worker.js under the names
 * createNodeWorkerStarter looks for; crashing/ and stalling/ hold misbehaving workers under
 * the same names, and idle-session-process.js is run as a process of its own.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..', '..', '..');

/** Output name (under the folder) -> source. The test-only workers sit in subfolders under the real names. */
const ENTRIES = {
  'node-session-worker': 'src/platform/node-session-worker.ts',
  'node-gemm-worker': 'src/platform/node-gemm-worker.ts',
  'crashing/node-session-worker': 'test/threads/support/crashing-session-worker.ts',
  'stalling/node-gemm-worker': 'test/threads/support/stalling-gemm-worker.ts',
  'idle-session-process': 'test/threads/support/idle-session-process.ts',
};

let built: Promise<URL> | undefined;

/** The folder (a file: URL ending in '/') holding the bundled scripts; built once per test file. */
export function workerScripts(): Promise<URL> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnxts-threads-'));
    await build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(root, path)])),
      outdir: dir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
      // protobufjs is CommonJS and requires at run time: give the ESM bundle a require.
      banner: { js: "import { createRequire as __onnxtsCreateRequire } from 'node:module'; const require = __onnxtsCreateRequire(import.meta.url);" },
    });
    return pathToFileURL(dir + '/');
  })();
  return built;
}
