/**
 * Bundles src/browser.ts into dist/browser/onnxts.js (ESM, minified, with a sourcemap) for the
 * package's "browser" export, and beside it the two Web Worker scripts the library starts
 * from its own folder: onnxts-session-worker.js (a session off the page's thread) and
 * onnxts-gemm-worker.js (a helper of the parallel GEMM). Fails when anything an entry imports, however
 * indirectly, reaches a Node built-in: such a bundle would only break later, in a user's page.
 *
 * A built-in esbuild cannot resolve for the browser is marked external instead of failing the
 * resolver at the first one, so the metafile holds the whole import graph and every offending
 * chain is printed at once. A package may disable a built-in for browsers in its package.json
 * "browser" field (protobufjs does for the `require("fs")` it guards with try/catch): esbuild
 * bundles an empty module for it, which is no Node dependency, so it is allowed.
 */
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Output name -> entry; the library finds the workers by these names next to onnxts.js. */
const entries = {
  onnxts: 'src/browser.ts',
  'onnxts-session-worker': 'src/platform/browser-session-worker.ts',
  'onnxts-gemm-worker': 'src/platform/browser-gemm-worker.ts',
};
const outdir = 'dist/browser';

const resolvingAgain = Symbol('resolving again');

const markUnresolvableBuiltinsExternal = {
  name: 'mark-unresolvable-node-builtins-external',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (!isBuiltin(args.path) || args.pluginData === resolvingAgain) return undefined;
      const { kind, importer, resolveDir } = args;
      const resolved = await b.resolve(args.path, { kind, importer, resolveDir, pluginData: resolvingAgain });
      return resolved.errors.length > 0 ? { path: args.path, external: true } : undefined;
    });
  },
};

/** A built-in that reached the bundle: external (unresolvable) or replaced by a polyfill package. */
function reachesBuiltin(imported) {
  return isBuiltin(imported.original ?? imported.path) && !imported.path.startsWith('(disabled):');
}

/** The import chain from the entry to each file that imports a Node built-in. */
function builtinImportChains(metafile, entry) {
  const parentOf = new Map([[entry, undefined]]);
  const queue = [entry];
  const chains = [];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const imported of metafile.inputs[file]?.imports ?? []) {
      if (reachesBuiltin(imported)) {
        const bundled = imported.external ? '' : `, bundled from ${imported.path}`;
        const chain = [`${imported.original ?? imported.path} (${imported.kind}${bundled})`];
        for (let at = file; at !== undefined; at = parentOf.get(at)) chain.unshift(at);
        chains.push(chain.join('\n    -> '));
      } else if (!imported.external && !parentOf.has(imported.path)) {
        parentOf.set(imported.path, file);
        queue.push(imported.path);
      }
    }
  }
  return chains;
}

async function main() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [markUnresolvableBuiltinsExternal],
  });

  const chains = Object.values(entries).flatMap((entry) => builtinImportChains(result.metafile, entry));
  if (chains.length > 0) {
    console.error(`build-browser: the browser entries reach ${chains.length} Node built-in import(s); a browser bundle must not:`);
    for (const chain of chains) console.error(`  ${chain}`);
    console.error('Move the Node-only code behind src/platform/node*.ts, which only src/index.ts imports.');
    process.exitCode = 1;
    return;
  }

  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
  }
  for (const bundle of result.outputFiles.filter((f) => f.path.endsWith('.js'))) {
    const kib = (bundle.contents.length / 1024).toFixed(1);
    console.log(`build-browser: ${relative(root, bundle.path)} ${kib} KiB (${bundle.contents.length} bytes), with sourcemap`);
  }
}

main().catch((error) => {
  // esbuild has already printed its diagnostics (logLevel 'warning'); say which step failed.
  console.error(`build-browser: bundling ${Object.values(entries).join(', ')} failed: ${error.message}`);
  process.exitCode = 1;
});
