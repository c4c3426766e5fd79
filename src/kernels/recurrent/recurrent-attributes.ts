/** The attributes RNN, GRU and LSTM share, parsed once at plan time. */
import { KernelInputError } from '../../errors/errors.js';
import type { AttributeReader } from '../attributes.js';
import { parseActivations, type Activation } from './activations.js';

export type Direction = 'forward' | 'reverse' | 'bidirectional';

export interface RecurrentAttributes {
  readonly direction: Direction;
  readonly directions: 1 | 2;
  /** Absent when the model leaves it to R's shape. */
  readonly hiddenSize: number | undefined;
  /** Per direction, the op's activation functions in the order the op lists them. */
  readonly activations: readonly (readonly Activation[])[];
  /** Bound on activation inputs; Infinity when the model sets none. */
  readonly clip: number;
  /** 0: X and Y lead with [seq, batch], the states with [directions, batch]; 1: with [batch, seq] and [batch, directions]. */
  readonly layout: 0 | 1;
}

export interface RecurrentOptions {
  readonly defaultActivations: readonly string[];
  /** Whether this opset version has the `layout` attribute (14 and later). */
  readonly hasLayout: boolean;
}

export function parseRecurrentAttributes(attrs: AttributeReader, options: RecurrentOptions): RecurrentAttributes {
  const direction = parseDirection(attrs.string('direction', 'forward'));
  const directions = direction === 'bidirectional' ? 2 : 1;
  const hiddenSize = attrs.int('hidden_size');
  if (hiddenSize !== undefined && hiddenSize < 1) {
    throw new KernelInputError(`attribute 'hidden_size' must be positive, got ${hiddenSize}`);
  }
  const clip = attrs.float('clip', Infinity);
  if (!(clip > 0)) throw new KernelInputError(`attribute 'clip' must be positive, got ${clip}`);
  const layout = options.hasLayout ? attrs.int('layout', 0) : 0;
  if (layout !== 0 && layout !== 1) throw new KernelInputError(`attribute 'layout' must be 0 or 1, got ${layout}`);
  return {
    direction,
    directions,
    hiddenSize,
    activations: parseActivations(attrs, options.defaultActivations, directions),
    clip,
    layout,
  };
}

function parseDirection(value: string): Direction {
  // Opset 1 GRU documents its default as the misspelt 'foward'.
  if (value === 'forward' || value === 'foward') return 'forward';
  if (value === 'reverse' || value === 'bidirectional') return value;
  throw new KernelInputError(`attribute 'direction' must be forward, reverse or bidirectional, got '${value}'`);
}
