/**
 * Compiles the AssemblyScript kernels in wasm/assembly/ with asc and embeds the bytes, base64,
 * in src/backends/wasm/*-wasm.generated.ts, so Node and the browser bundle both get the modules
 * without file I/O, fetches or bundler wasm plugins. Among them:
 *   gemm.ts  the f32 GEMM behind gemm(), kept small enough (under 4 KiB) for synchronous
 *            compilation on a browser's main thread;
 *   conv.ts  convolution and pooling (it reuses the GEMM's sources), larger, on the GEMM's
 *            memory (where activations live) or a shared one.
 *
 * Two builds of each: plain SIMD, and relaxed SIMD (fused multiply-add) for engines that
 * validate it; src/backends/wasm/*-module.ts picks one at load. --runtime stub: the kernels
 * never allocate, so no GC or allocator is linked. The memory is exported and has no maximum,
 * so the host grows it to fit the operands.
 *
 * The output depends only on the sources and the asc version, so the committed files are what
 * a fresh build writes again; each is rewritten only when its content changes.
 */
import asc from 'assemblyscript/asc';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const modules = [
  { entry: 'wasm/assembly/gemm.ts', outfile: 'src/backends/wasm/gemm-wasm.generated.ts', name: 'gemm', what: 'The f32 GEMM module', shared: true },
  {
    entry: 'wasm/assembly/conv.ts', outfile: 'src/backends/wasm/conv-wasm.generated.ts', name: 'conv',
    what: 'The f32 conv and pooling module, on an imported memory (the GEMM heap\'s),', importsMemory: true, shared: true,
  },
  {
    entry: 'wasm/assembly/elementwise.ts', outfile: 'src/backends/wasm/elementwise-wasm.generated.ts', name: 'elementwise',
    what: 'The f32 elementwise and resize module, on the imported GEMM memory,', importsMemory: true, shared: true,
  },
  {
    entry: 'wasm/assembly/nhwc-module.ts', outfile: 'src/backends/wasm/nhwc-wasm.generated.ts', name: 'nhwc',
    what: 'The f32 NHWC convolution module, on the imported GEMM memory,', importsMemory: true, shared: true,
  },
  { entry: 'wasm/assembly/int8-gemm.ts', outfile: 'src/backends/wasm/int8-gemm-wasm.generated.ts', name: 'int8Gemm', what: 'The int8 (int32-accumulating) GEMM module' },
];

const variants = [
  { suffix: 'SimdWasm', doc: 'built for WebAssembly SIMD.', flags: ['--enable', 'simd'] },
  {
    suffix: 'RelaxedSimdWasm',
    doc: 'built for relaxed SIMD (f32x4.relaxed_madd), used where the engine validates it.',
    flags: ['--enable', 'simd', '--enable', 'relaxed-simd'],
  },
];

async function compile(entry, flags) {
  let binary;
  const { error, stderr } = await asc.main(
    [entry, '-O3', '--runtime', 'stub', ...flags, '--outFile', 'module.wasm', '--baseDir', root],
    {
      writeFile(name, contents) {
        if (name === 'module.wasm') binary = contents;
      },
    },
  );
  if (error) throw new Error(`asc ${entry} ${flags.join(' ')}: ${error.message}\n${stderr.toString()}`);
  if (!binary) throw new Error(`asc ${entry} ${flags.join(' ')} wrote no module`);
  return binary;
}

/**
 * The modules that work in the GEMM heap also come in builds whose imported memory is shared
 * (env.memory, up to 4 GiB): where the engine has shared memory, the GEMM heap is one, so that
 * the parallel convolution (src/backends/threads/) runs one conv instance per thread on the
 * activations where they lie. The GEMM's shared build keeps its static data (written once, when
 * the heap's first instance is made on the fresh memory); the others carry none.
 */
const sharedMemoryFlags = ['--importMemory', '--sharedMemory', '--maximumMemory', '65536', '--enable', 'threads'];
const sharedVariants = variants.map(({ suffix, doc, flags }) => ({
  suffix: `Shared${suffix}`,
  doc: `${doc.slice(0, -1)}, on an imported shared memory.`,
  flags: [...flags, ...sharedMemoryFlags],
}));

/**
 * A module that runs in another module's memory (the elementwise and conv modules in the GEMM
 * heap, env.memory) must not carry static data: instantiating it would write its data segments over
 * whatever the heap keeps at their addresses. With no data, --memoryBase 0 leaves it nothing
 * to place, and the build fails if a change brings data in (a table behind a Math function).
 */
const importedMemoryFlags = ['--importMemory', '--memoryBase', '0'];

/** How many data segments a module has (its data section's count, 0 without one). */
function dataSegmentCount(binary) {
  const readLeb = (at) => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = binary[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return [value, at];
  };
  const DATA_SECTION = 11;
  for (let at = 8; at < binary.length; ) {
    const id = binary[at];
    const [size, body] = readLeb(at + 1);
    if (id === DATA_SECTION) return readLeb(body)[0];
    at = body + size;
  }
  return 0;
}

async function build({ entry, outfile, name, what, shared, importsMemory }) {
  const lines = [
    `// Generated by scripts/build-wasm.mjs from wasm/assembly/ with AssemblyScript ${asc.version}. Do not edit.`,
  ];
  const sizes = [];
  for (const { suffix, doc, flags } of shared ? [...variants, ...sharedVariants] : variants) {
    const binary = await compile(entry, importsMemory ? [...flags, ...importedMemoryFlags] : flags);
    if (importsMemory && dataSegmentCount(binary) > 0) {
      throw new Error(`${entry} has static data, which would overwrite the memory it imports`);
    }
    sizes.push(`${name}${suffix} ${binary.length} bytes`);
    lines.push(`/** ${what} ${doc} ${binary.length} bytes, base64. */`);
    lines.push(`export const ${name}${suffix} =\n  '${Buffer.from(binary).toString('base64')}';`);
  }
  const text = `${lines.join('\n')}\n`;
  const path = resolve(root, outfile);
  const previous = await readFile(path, 'utf8').catch(() => undefined);
  if (previous !== text) await writeFile(path, text);
  const state = previous === text ? 'unchanged' : 'written';
  console.log(`build-wasm: ${relative(root, path)} ${state} (${sizes.join(', ')})`);
}

async function main() {
  for (const module of modules) await build(module);
}

main().catch((error) => {
  console.error(`build-wasm: ${error.message}`);
  process.exitCode = 1;
});
