/**
 * Random sliding-window configurations for the conv and pool tests: spatial sizes, kernels,
 * strides, dilations and pads drawn from a seeded Rng so every run checks the same cases, and
 * rejected until the (padded) input holds at least one window.
 */
import { attr, type AttributeValue } from '../../support/model-builder.js';
import type { Rng } from '../../support/random.js';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

export interface WindowCase {
  readonly spatial: number[];
  readonly kernel: number[];
  readonly strides?: number[];
  readonly dilations?: number[];
  readonly pads?: number[];
  readonly autoPad?: AutoPad;
}

export interface WindowOptions {
  /** Spatial ranks to draw from. */
  readonly ranks?: readonly number[];
  readonly maxSpatial?: number;
  readonly maxKernel?: number;
  readonly dilations?: boolean;
  readonly autoPads?: readonly AutoPad[];
  /** Keep each pad below the kernel size (onnxruntime's pooling requires pad < kernel). */
  readonly padBelowKernel?: boolean;
  /** Allow dilations with SAME_* padding (onnxruntime's Conv rejects the combination). */
  readonly dilatedSame?: boolean;
}

function extent(k: number, d: number): number {
  return (k - 1) * d + 1;
}

export function randomWindow(rng: Rng, options: WindowOptions = {}): WindowCase {
  const ranks = options.ranks ?? [1, 2, 3];
  const rank = ranks[rng.int(0, ranks.length - 1)];
  const maxSpatial = options.maxSpatial ?? (rank === 3 ? 6 : 9);
  const autoPads = options.autoPads ?? ['NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];
  for (;;) {
    const spatial = rng.shape(rank, maxSpatial, 1);
    const kernel = rng.shape(rank, options.maxKernel ?? 3, 1);
    const strides = rng.shape(rank, 3, 1);
    const autoPad = autoPads[rng.int(0, autoPads.length - 1)];
    const same = autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER';
    const dilations = options.dilations === false || (same && !options.dilatedSame) ? undefined : rng.shape(rank, 2, 1);
    const dil = dilations ?? kernel.map(() => 1);
    const pads = autoPad === 'NOTSET'
      ? [...kernel, ...kernel].map((k) => rng.int(0, options.padBelowKernel ? Math.min(2, k - 1) : 2))
      : undefined;
    const fits = spatial.every((s, a) => {
      const padded = s + (pads ? pads[a] + pads[a + rank] : 0);
      return same || padded >= extent(kernel[a], dil[a]);
    });
    if (fits) return { spatial, kernel, strides, dilations, pads, autoPad };
  }
}

/** The case's attributes as a node gets them (kernel_shape included when `withKernel`). */
export function windowAttributes(c: WindowCase, withKernel: boolean): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  if (withKernel) attributes.kernel_shape = attr.ints(c.kernel);
  if (c.strides) attributes.strides = attr.ints(c.strides);
  if (c.dilations) attributes.dilations = attr.ints(c.dilations);
  if (c.pads) attributes.pads = attr.ints(c.pads);
  if (c.autoPad && c.autoPad !== 'NOTSET') attributes.auto_pad = attr.string(c.autoPad);
  return attributes;
}

export function describeWindow(c: WindowCase): string {
  const parts = [`in [${c.spatial}]`, `k [${c.kernel}]`];
  if (c.strides) parts.push(`s [${c.strides}]`);
  if (c.dilations) parts.push(`d [${c.dilations}]`);
  if (c.pads) parts.push(`p [${c.pads}]`);
  if (c.autoPad && c.autoPad !== 'NOTSET') parts.push(c.autoPad);
  return parts.join(' ');
}
