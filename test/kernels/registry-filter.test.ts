/** KernelRegistry.serves (opset coverage) and .without (a copy that lacks some ops). */
import { describe, expect, it } from 'vitest';
import { KernelNotFoundError } from '../../src/errors/errors.js';
import { kernel } from '../../src/kernels/kernel.js';
import { KernelRegistry } from '../../src/kernels/registry.js';

const def = (opType: string, sinceVersion: number, untilVersion?: number) =>
  kernel({ domain: '', opType, sinceVersion, untilVersion, run: () => [] });

describe('KernelRegistry filters', () => {
  const registry = new KernelRegistry().register(def('Relu', 6, 13), def('Relu', 14), def('Shrink', 9), def('Gelu', 20, 20));

  it('serves reports whether some kernel covers the opset', () => {
    expect(registry.serves('', 'Relu', 5)).toBe(false);
    expect(registry.serves('', 'Relu', 13)).toBe(true);
    expect(registry.serves('', 'Relu', 25)).toBe(true);
    expect(registry.serves('', 'Gelu', 21)).toBe(false);
    expect(registry.serves('', 'Nope', 21)).toBe(false);
    expect(registry.serves('com.microsoft', 'Relu', 14)).toBe(false);
  });

  it('without drops exactly the named ops and leaves the original whole', () => {
    const filtered = registry.without('', ['Relu', 'Gelu']);
    expect(filtered.has('', 'Relu')).toBe(false);
    expect(filtered.has('', 'Gelu')).toBe(false);
    expect(filtered.serves('', 'Shrink', 9)).toBe(true);
    expect(() => filtered.candidates({ name: 'n', opType: 'Relu', domain: '' }, 14)).toThrow(KernelNotFoundError);
    expect(registry.serves('', 'Relu', 14)).toBe(true);
    expect(registry.without('', []).operators()).toEqual(registry.operators());
  });
});
