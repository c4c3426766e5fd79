/**
 * The inputs RNN, GRU and LSTM share (X, W, R, B, sequence_lens, the initial states) and LSTM's
 * peepholes P, checked against one another and decoded to computable float arrays.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import type { KernelInputs } from '../kernel.js';
import { integersOf, optionalTensorInput, requireSameType, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import type { RecurrentAttributes } from './recurrent-attributes.js';
import { SequenceLayout } from './sequence-layout.js';

export interface RecurrentInputs {
  readonly type: DataType;
  readonly layout: SequenceLayout;
  readonly inputSize: number;
  readonly x: FloatArray;
  /** [directions, gates * hidden, inputSize] */
  readonly w: FloatArray;
  /** [directions, gates * hidden, hidden] */
  readonly r: FloatArray;
  /** [directions, 2 * gates * hidden]: the input biases, then the recurrent ones. */
  readonly b: FloatArray | undefined;
  /** Steps each batch entry runs for. */
  readonly lengths: readonly number[];
  /** initial_h, then initial_c for LSTM, in the state layout; undefined where not given (zeros). */
  readonly initialStates: readonly (FloatArray | undefined)[];
  /** LSTM peepholes, [directions, 3 * hidden]. */
  readonly p: FloatArray | undefined;
}

export interface RecurrentShape {
  /** Gate blocks of `hidden` rows in W and R: 1 for RNN, 3 for GRU, 4 for LSTM. */
  readonly gates: number;
  /** Recurrent states: 1 (h), or 2 (h and c) for LSTM. */
  readonly states: number;
}

const INITIAL_STATE_NAMES = ['initial_h', 'initial_c'];
const SEQUENCE_LENS = 4;
const FIRST_INITIAL_STATE = 5;
const PEEPHOLES = 7;

/**
 * The inputs, checked. `previous` is the layout of the node's last call, taken again where the
 * sizes match so a streaming model's calls do not each make one.
 */
export function readRecurrentInputs(inputs: KernelInputs, attrs: RecurrentAttributes, shape: RecurrentShape, previous?: SequenceLayout): RecurrentInputs {
  const x = tensorInput(inputs, 0, 'X');
  const w = tensorInput(inputs, 1, 'W');
  const r = tensorInput(inputs, 2, 'R');
  if (x.rank !== 3) throw new KernelInputError(`X must have rank 3, got shape ${formatShape(x.dims)}`);
  if (r.rank !== 3) throw new KernelInputError(`R must have rank 3, got shape ${formatShape(r.dims)}`);
  const seqLength = attrs.layout === 0 ? x.dims[0] : x.dims[1];
  const batch = attrs.layout === 0 ? x.dims[1] : x.dims[0];
  const inputSize = x.dims[2];
  const hidden = attrs.hiddenSize ?? r.dims[2];
  const directions = attrs.directions;
  const rows = shape.gates * hidden;
  const layout = previous?.matches(attrs.layout, seqLength, batch, directions, hidden)
    ? previous
    : new SequenceLayout(attrs.layout, seqLength, batch, directions, hidden);

  // Pushed, not mapped: the list is one or two long and built on every call.
  const stateDims = layout.stateDims;
  const initialStates: (FloatArray | undefined)[] = [];
  for (let i = 0; i < shape.states; i++) {
    initialStates.push(optionalFloats(x, inputs, FIRST_INITIAL_STATE + i, INITIAL_STATE_NAMES[i], stateDims[0], stateDims[1], stateDims[2]));
  }
  return {
    type: x.type,
    layout,
    inputSize,
    x: computeValues(x) as FloatArray,
    w: floats(x, w, 'W', directions, rows, inputSize),
    r: floats(x, r, 'R', directions, rows, hidden),
    b: optionalFloats(x, inputs, 3, 'B', directions, 2 * rows),
    lengths: sequenceLengths(optionalTensorInput(inputs, SEQUENCE_LENS, 'sequence_lens'), layout),
    initialStates,
    p: shape.states === 2 ? optionalFloats(x, inputs, PEEPHOLES, 'P', directions, 3 * hidden) : undefined,
  };
}

/**
 * `t`'s values, checked to have X's type and the shape [d0, d1] (d2 undefined) or [d0, d1, d2],
 * given as numbers so a call that passes its checks builds no shape array.
 */
function floats(x: DenseTensor, t: DenseTensor, name: string, d0: number, d1: number, d2?: number): FloatArray {
  requireSameType(x, t, `X and ${name}`);
  const { dims } = t;
  const fits = dims.length === (d2 === undefined ? 2 : 3) && dims[0] === d0 && dims[1] === d1 && (d2 === undefined || dims[2] === d2);
  if (!fits) {
    const expected = d2 === undefined ? [d0, d1] : [d0, d1, d2];
    throw new KernelInputError(`${name} must have shape ${formatShape(expected)}, got ${formatShape(dims)}`);
  }
  return computeValues(t) as FloatArray;
}

function optionalFloats(x: DenseTensor, inputs: KernelInputs, index: number, name: string, d0: number, d1: number, d2?: number): FloatArray | undefined {
  const t = optionalTensorInput(inputs, index, name);
  return t && floats(x, t, name, d0, d1, d2);
}

function sequenceLengths(tensor: DenseTensor | undefined, layout: SequenceLayout): readonly number[] {
  const { seqLength, batch } = layout;
  if (tensor === undefined) return layout.fullLengths;
  if (!sameShape(tensor.dims, [batch])) {
    throw new KernelInputError(`sequence_lens must have shape [${batch}], got ${formatShape(tensor.dims)}`);
  }
  const lengths = integersOf(tensor, 'sequence_lens');
  const bad = lengths.findIndex((n) => n < 0 || n > seqLength);
  if (bad >= 0) {
    throw new KernelInputError(`sequence_lens[${bad}] is ${lengths[bad]}, outside the sequence length range 0..${seqLength}`);
  }
  return lengths;
}
