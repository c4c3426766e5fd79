/** The zoo benchmark suite that `scripts/bench.mjs --zoo` runs: its models, selection and errors. */
import { describe, expect, it } from 'vitest';
import { BenchSetupError } from '../../src/tools/bench/bench-setup-error.js';
import { ARCHITECTURES } from '../../src/tools/model-builder/architectures/index.js';
import { ZOO_ARCHITECTURES } from '../../src/tools/model-builder/architectures/zoo/index.js';
import { zooSuite } from '../../src/tools/bench/zoo-suite.js';

describe('zooSuite', () => {
  it('lists every zoo architecture once, at full size, apart from the standard suite', () => {
    const names = zooSuite().map((m) => m.name);
    expect(names).toEqual(ZOO_ARCHITECTURES.map((a) => a.name));
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => ARCHITECTURES.some((a) => a.name === n))).toEqual([]);
    const alexnet = zooSuite(['bvlc_alexnet'])[0];
    expect(alexnet.recipe[0].shape).toEqual([1, 3, 224, 224]);
  });

  it('selects by name in the order given and names the choices on a miss', () => {
    expect(zooSuite(['unet', 'vit_tiny']).map((m) => m.name)).toEqual(['unet', 'vit_tiny']);
    expect(() => zooSuite(['resnet50'])).toThrow(BenchSetupError);
    expect(() => zooSuite(['resnet50'])).toThrow(/shufflenet_v2/);
  });
});
