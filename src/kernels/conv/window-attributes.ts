/**
 * The sliding-window attributes Conv, ConvTranspose and the pooling ops share (auto_pad,
 * kernel_shape, strides, dilations, pads), read and checked once at plan time. Lengths are
 * checked against the input's spatial rank at run time, when the rank is known.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { AttributeReader } from '../attributes.js';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

const AUTO_PADS: readonly string[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

export interface WindowAttributes {
  readonly autoPad: AutoPad;
  /** Absent when the op infers it from the weights. */
  readonly kernelShape?: readonly number[];
  readonly strides?: readonly number[];
  readonly dilations?: readonly number[];
  /** [x1_begin, x2_begin, ..., x1_end, x2_end, ...] */
  readonly pads?: readonly number[];
}

function positive(attrs: AttributeReader, name: string): readonly number[] | undefined {
  const values = attrs.ints(name);
  if (values === undefined || values.length === 0) return undefined;
  if (values.some((v) => !Number.isSafeInteger(v) || v < 1)) {
    throw new KernelInputError(`attribute '${name}' must hold positive integers, got [${values.join(',')}]`);
  }
  return values;
}

export function parseAutoPad(attrs: AttributeReader): AutoPad {
  // Some exporters write an empty string for the default.
  const autoPad = attrs.string('auto_pad', 'NOTSET') || 'NOTSET';
  if (!AUTO_PADS.includes(autoPad)) {
    throw new KernelInputError(`attribute 'auto_pad' must be one of ${AUTO_PADS.join(', ')}, got '${autoPad}'`);
  }
  return autoPad as AutoPad;
}

export function parsePads(attrs: AttributeReader, name = 'pads'): readonly number[] | undefined {
  const pads = attrs.ints(name);
  if (pads === undefined || pads.length === 0) return undefined;
  if (pads.length % 2 !== 0 || pads.some((p) => !Number.isSafeInteger(p) || p < 0)) {
    throw new KernelInputError(`attribute '${name}' must hold an even number of non-negative integers, got [${pads.join(',')}]`);
  }
  return pads;
}

export function parseWindowAttributes(attrs: AttributeReader, kernelRequired: boolean): WindowAttributes {
  const kernelShape = positive(attrs, 'kernel_shape');
  if (kernelRequired && kernelShape === undefined) throw new KernelInputError(`attribute 'kernel_shape' is required but missing`);
  return {
    autoPad: parseAutoPad(attrs),
    kernelShape,
    strides: positive(attrs, 'strides'),
    dilations: positive(attrs, 'dilations'),
    pads: parsePads(attrs),
  };
}

/** A per-axis attribute for `rank` spatial axes: its value, or `fallback` on every axis when absent. */
export function perAxis(values: readonly number[] | undefined, rank: number, name: string, fallback: number): number[] {
  if (values === undefined) return new Array<number>(rank).fill(fallback);
  if (values.length !== rank) {
    throw new KernelInputError(`attribute '${name}' has ${values.length} values, expected ${rank} (one per spatial axis)`);
  }
  return [...values];
}

/** Begin and end pads for `rank` spatial axes, zero when absent. */
export function splitPads(pads: readonly number[] | undefined, rank: number, name = 'pads'): { begin: number[]; end: number[] } {
  if (pads === undefined) return { begin: new Array<number>(rank).fill(0), end: new Array<number>(rank).fill(0) };
  if (pads.length !== 2 * rank) {
    throw new KernelInputError(`attribute '${name}' has ${pads.length} values, expected ${2 * rank} (begin and end per spatial axis)`);
  }
  return { begin: pads.slice(0, rank), end: pads.slice(rank) };
}
