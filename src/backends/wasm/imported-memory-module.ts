/**
 * A WebAssembly module that runs on a memory it imports (env.memory), such as the GEMM heap's,
 * so the activations kept there are addressed where they are. The relaxed-SIMD build is taken
 * where the engine validates it, else plain SIMD; a shared memory takes the builds made for one.
 * Such modules carry no static data (the build checks), so an instance writes nothing into the
 * memory it is given.
 *
 * A browser's main thread refuses to compile or instantiate modules over 4 KiB synchronously
 * (as does a CSP without 'wasm-unsafe-eval'): there the work is done asynchronously, and until
 * it is ready `on` answers undefined and the kernels stay in TypeScript. Node and workers get
 * the module synchronously on first use.
 */
import { isSharedMemory, validBuild, type ModuleBuilds, type SimdVariant } from './wasm-instance.js';

export class ImportedMemoryModule<Exports> {
  /** The builds for ordinary memories, and (where given) for shared ones. */
  private readonly ordinary: ModuleKind;
  private readonly shared: ModuleKind | undefined;
  // Per memory: the instance, or null while an asynchronous instantiation runs or after it failed.
  private readonly instances = new WeakMap<WebAssembly.Memory, Exports | null>();

  constructor(builds: ModuleBuilds, sharedBuilds?: ModuleBuilds) {
    this.ordinary = new ModuleKind(builds);
    this.shared = sharedBuilds && new ModuleKind(sharedBuilds);
  }

  /** The build instances on `memory` run, once one is compiled (or compiling). */
  variantOn(memory: WebAssembly.Memory): SimdVariant | undefined {
    return (isSharedMemory(memory) ? this.shared : this.ordinary)?.variant;
  }

  /** The module's exports on `memory`, or undefined where it does not load or is not ready yet. */
  on(memory: WebAssembly.Memory): Exports | undefined {
    const known = this.instances.get(memory);
    if (known !== undefined) return known ?? undefined;
    const kind = isSharedMemory(memory) ? this.shared : this.ordinary;
    const module = kind?.module();
    if (!module) return undefined;
    const imports = { env: { memory } };
    try {
      const exports = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
      this.instances.set(memory, exports);
      return exports;
    } catch {
      this.instances.set(memory, null);
      void WebAssembly.instantiate(module, imports).then(
        (instance) => this.instances.set(memory, instance.exports as unknown as Exports),
        () => undefined,
      );
      return undefined;
    }
  }
}

/** One set of builds, compiled once: synchronously where the engine allows, else asynchronously. */
class ModuleKind {
  // undefined: not tried yet; null: none compiled (yet, while an asynchronous compile runs).
  private compiled: WebAssembly.Module | null | undefined;
  variant: SimdVariant | undefined;

  constructor(private readonly builds: ModuleBuilds) {}

  module(): WebAssembly.Module | undefined {
    if (this.compiled === undefined) this.compile();
    return this.compiled ?? undefined;
  }

  private compile(): void {
    this.compiled = null;
    for (const variant of ['relaxed-simd', 'simd'] as const satisfies readonly SimdVariant[]) {
      const bytes = validBuild(this.builds, variant);
      if (!bytes) continue;
      this.variant = variant;
      try {
        this.compiled = new WebAssembly.Module(bytes);
      } catch {
        void WebAssembly.compile(bytes).then(
          (module) => {
            this.compiled = module;
          },
          () => undefined,
        );
      }
      return;
    }
  }
}

