/**
 * The inputs RNN, GRU and LSTM share (X, W, R, B, sequence_lens, the initial states) and LSTM's
 * peepholes P, checked against one another and decoded to computable float arrays.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import { formatShape, sameShape, type Shape } from '../../tensor/shape.js';
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

export function readRecurrentInputs(inputs: KernelInputs, attrs: RecurrentAttributes, shape: RecurrentShape): RecurrentInputs {
  const x = tensorInput(inputs, 0, 'X');
  const w = tensorInput(inputs, 1, 'W');
  const r = tensorInput(inputs, 2, 'R');
  if (x.rank !== 3) throw new KernelInputError(`X must have rank 3, got shape ${formatShape(x.dims)}`);
  if (r.rank !== 3) throw new KernelInputError(`R must have rank 3, got shape ${formatShape(r.dims)}`);
  const [seqLength, batch] = attrs.layout === 0 ? x.dims : [x.dims[1], x.dims[0]];
  const inputSize = x.dims[2];
  const hidden = attrs.hiddenSize ?? r.dims[2];
  const directions = attrs.directions;
  const rows = shape.gates * hidden;
  const layout = new SequenceLayout(attrs.layout, seqLength, batch, directions, hidden);

  const floats = (t: DenseTensor, name: string, dims: Shape): FloatArray => {
    requireSameType(x, t, `X and ${name}`);
    if (!sameShape(t.dims, dims)) {
      throw new KernelInputError(`${name} must have shape ${formatShape(dims)}, got ${formatShape(t.dims)}`);
    }
    return computeValues(t) as FloatArray;
  };
  const optionalFloats = (index: number, name: string, dims: Shape): FloatArray | undefined => {
    const t = optionalTensorInput(inputs, index, name);
    return t && floats(t, name, dims);
  };

  const initialStates = INITIAL_STATE_NAMES.slice(0, shape.states)
    .map((name, i) => optionalFloats(FIRST_INITIAL_STATE + i, name, layout.stateDims));
  return {
    type: x.type,
    layout,
    inputSize,
    x: computeValues(x) as FloatArray,
    w: floats(w, 'W', [directions, rows, inputSize]),
    r: floats(r, 'R', [directions, rows, hidden]),
    b: optionalFloats(3, 'B', [directions, 2 * rows]),
    lengths: sequenceLengths(optionalTensorInput(inputs, SEQUENCE_LENS, 'sequence_lens'), seqLength, batch),
    initialStates,
    p: shape.states === 2 ? optionalFloats(PEEPHOLES, 'P', [directions, 3 * hidden]) : undefined,
  };
}

function sequenceLengths(tensor: DenseTensor | undefined, seqLength: number, batch: number): number[] {
  if (tensor === undefined) return new Array<number>(batch).fill(seqLength);
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
