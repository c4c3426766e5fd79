/** The registry every session uses unless told otherwise: all CPU kernels, listed by family. */
import { KernelRegistry } from './registry.js';
import { elementwiseKernels } from './math/index.js';

let registry: KernelRegistry | undefined;

export function defaultRegistry(): KernelRegistry {
  registry ??= new KernelRegistry().register(...elementwiseKernels);
  return registry;
}
