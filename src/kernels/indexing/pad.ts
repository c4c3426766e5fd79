/**
 * Pad across its opset versions: 1 reads `paddings` and 2-10 read `pads` from attributes with a
 * float `value`; 11+ take pads and constant_value as inputs, 18+ an optional axes input, and 19+
 * add the wrap mode.
 */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES, allocateStorage, isBigIntType, type DataType, type TensorStorage } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { integersOf, normalizeAxis, optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeBuffer, storageFromCompute } from '../support/numeric.js';
import { padTensor, type PadMode } from './pad-core.js';

function parseMode(attrs: AttributeReader, opset: number): PadMode {
  const mode = attrs.string('mode', 'constant');
  const modes = opset >= 19 ? ['constant', 'reflect', 'edge', 'wrap'] : ['constant', 'reflect', 'edge'];
  if (!modes.includes(mode)) throw new KernelInputError(`attribute 'mode' must be one of ${modes.join(', ')} at opset ${opset}, got '${mode}'`);
  return mode as PadMode;
}

/** [x1_begin, x2_begin, ..., x1_end, x2_end, ...] split into begins and ends. */
function splitPads(pads: readonly number[], count: number, what: string): { begin: number[]; end: number[] } {
  if (pads.length !== 2 * count) throw new KernelInputError(`${what} must hold ${2 * count} values (begin and end per axis), got ${pads.length}`);
  return { begin: pads.slice(0, count), end: pads.slice(count) };
}

/** The float `value` attribute as one element of `type`. */
function fillFromNumber(type: DataType, value: number): TensorStorage {
  const buffer = computeBuffer(type, 1);
  buffer[0] = isBigIntType(type) ? BigInt(Math.trunc(value)) : value;
  return storageFromCompute(type, buffer);
}

interface LegacyPadAttributes {
  readonly mode: PadMode;
  readonly pads: readonly number[];
  readonly value: number;
}

function legacyPad(sinceVersion: number, untilVersion: number, padsName: string): KernelDefinition {
  return kernel<LegacyPadAttributes>({
    domain: '',
    opType: 'Pad',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ['float16', 'float32', 'float64'] }],
    parseAttributes: (attrs, ctx) => ({
      mode: parseMode(attrs, ctx.opset),
      pads: attrs.requiredInts(padsName),
      value: attrs.float('value', 0),
    }),
    run(inputs, attrs, context) {
      const x = tensorInput(inputs, 0, 'data');
      const { begin, end } = splitPads(attrs.pads, x.rank, `attribute '${padsName}'`);
      return [padTensor(x, begin, end, attrs.mode, fillFromNumber(x.type, attrs.value), context)];
    },
  });
}

/** Pads given for `axes` only, spread over every axis of a rank-`rank` tensor. */
function padsOverAxes(pads: readonly number[], axes: readonly number[], rank: number): { begin: number[]; end: number[] } {
  const given = splitPads(pads, axes.length, `pads (for ${axes.length} axes)`);
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  const seen = new Set<number>();
  axes.forEach((a, i) => {
    const axis = normalizeAxis(a, rank, 'axes value');
    if (seen.has(axis)) throw new KernelInputError(`axes names axis ${axis} twice`);
    seen.add(axis);
    begin[axis] = given.begin[i];
    end[axis] = given.end[i];
  });
  return { begin, end };
}

const pad = kernel<{ mode: PadMode }>({
  domain: '',
  opType: 'Pad',
  sinceVersion: 11,
  typeConstraints: [
    { input: 0, types: ALL_TENSOR_TYPES },
    { input: 1, types: ['int64', 'int32'] },
    { input: 2, types: ALL_TENSOR_TYPES },
    { input: 3, types: ['int64', 'int32'] },
  ],
  parseAttributes: (attrs, ctx) => ({ mode: parseMode(attrs, ctx.opset) }),
  run(inputs, attrs, ctx) {
    const x = tensorInput(inputs, 0, 'data');
    const pads = integersOf(tensorInput(inputs, 1, 'pads'), 'pads');
    const value = optionalTensorInput(inputs, 2, 'constant_value');
    const axesInput = optionalTensorInput(inputs, 3, 'axes');
    if (axesInput && ctx.opset < 18) throw new KernelInputError(`the axes input needs opset 18 or later, the model uses ${ctx.opset}`);
    if (value && value.type !== x.type) throw new KernelInputError(`constant_value is ${value.type} but data is ${x.type}; they must match`);
    if (value && value.size !== 1) throw new KernelInputError(`constant_value must hold one value, got shape [${value.dims.join(',')}]`);
    const { begin, end } = axesInput
      ? padsOverAxes(pads, integersOf(axesInput, 'axes'), x.rank)
      : splitPads(pads, x.rank, 'pads');
    return [padTensor(x, begin, end, attrs.mode, value ? value.data : allocateStorage(x.type, 1), ctx)];
  },
});

export const padKernels: KernelDefinition[] = [legacyPad(1, 1, 'paddings'), legacyPad(2, 10, 'pads'), pad];
