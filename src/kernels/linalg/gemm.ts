/**
 * Gemm: Y = alpha * A' * B' + beta * C on 2-D A and B (A' = transpose(A) if transA, same for
 * B), with C broadcast one way to [M, N]. Before opset 7, C is broadcast only when the
 * `broadcast` attribute says so; before opset 11, C is required. As in onnxruntime, beta = 0
 * ignores C. Integer types multiply exactly; a non-unit alpha or beta scales in doubles and
 * truncates toward zero, as numpy's astype does in the reference implementation.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { AttributeReader } from '../attributes.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { allocateOutput, kernel, type KernelContext, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { broadcastIndex, broadcastsOneWay } from '../support/broadcast.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, isBigIntArray, tensorFromCompute, type ComputeArray } from '../support/numeric.js';
import { gemm, type FloatArray } from './gemm-core.js';
import { integerGemm } from './integer-gemm.js';

export interface GemmAttributes {
  readonly alpha: number;
  readonly beta: number;
  readonly transA: boolean;
  readonly transB: boolean;
  /** Opset < 7 only: whether C may be broadcast at all. */
  readonly legacyBroadcast: boolean | undefined;
}

interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

function shapeOf(a: DenseTensor, b: DenseTensor, attrs: GemmAttributes): GemmShape {
  if (a.rank !== 2 || b.rank !== 2) {
    throw new KernelInputError(`A and B must be 2-D, got A ${formatShape(a.dims)} and B ${formatShape(b.dims)}`);
  }
  const [m, k] = attrs.transA ? [a.dims[1], a.dims[0]] : a.dims;
  const [kb, n] = attrs.transB ? [b.dims[1], b.dims[0]] : b.dims;
  if (k !== kb) {
    throw new KernelInputError(
      `A ${formatShape(a.dims)} (transA=${+attrs.transA}) and B ${formatShape(b.dims)} (transB=${+attrs.transB}) do not multiply: K is ${k} vs ${kb}`,
    );
  }
  return { m, n, k };
}

/** C's values laid out over [M, N], or throws when C does not broadcast one way to it. */
function broadcastC(c: DenseTensor, { m, n }: GemmShape, attrs: GemmAttributes): ComputeArray {
  const target = [m, n];
  const exact = c.rank === 2 && c.dims[0] === m && c.dims[1] === n;
  if (!broadcastsOneWay(c.dims, target) || (attrs.legacyBroadcast === false && !exact)) {
    const hint = attrs.legacyBroadcast === false ? '; set broadcast=1 to broadcast C (opset < 7)' : '';
    throw new KernelInputError(`C ${formatShape(c.dims)} does not broadcast to [M, N] = ${formatShape(target)}${hint}`);
  }
  const values = computeValues(c);
  const index = broadcastIndex(c.dims, target);
  if (!index) return values;
  const out = computeBuffer(c.type, m * n);
  for (let i = 0; i < out.length; i++) out[i] = values[index[i]];
  return out;
}

/** Element types whose results the GEMM writes straight into storage from context.allocate. */
const DIRECT_TYPES: readonly DataType[] = ['float32', 'float64'];

export function computeGemm(inputs: KernelInputs, attrs: GemmAttributes, context: KernelContext): DenseTensor {
  const a = tensorInput(inputs, 0, 'A');
  const b = tensorInput(inputs, 1, 'B');
  const c = optionalTensorInput(inputs, 2, 'C');
  if (a.type !== b.type || (c && c.type !== a.type)) {
    throw new KernelInputError(`A, B and C must have one type, got ${a.type}, ${b.type}${c ? `, ${c.type}` : ''}`);
  }
  const shape = shapeOf(a, b, attrs);
  const { m, n, k } = shape;
  const cValues = c && broadcastC(c, shape, attrs);
  const useC = cValues !== undefined && attrs.beta !== 0;
  const av = computeValues(a);
  const bv = computeValues(b);
  const direct = DIRECT_TYPES.includes(a.type) ? allocateOutput(context, a.type, [m, n]) : undefined;
  const out = direct ? (direct.data as FloatArray) : computeBuffer(a.type, m * n);
  if (FLOAT_TYPES.includes(a.type)) {
    if (useC) (out as FloatArray).set(cValues as FloatArray);
    gemm({
      m, n, k, a: av as FloatArray, aOffset: 0, lda: a.dims[1], transA: attrs.transA,
      b: bv as FloatArray, bOffset: 0, ldb: b.dims[1], transB: attrs.transB,
      c: out as FloatArray, cOffset: 0, ldc: n, alpha: attrs.alpha, beta: useC ? attrs.beta : 0,
      constantB: context.isConstant?.(b) ? b : undefined,
    });
  } else {
    integerGemm({ m, n, k, a: av, aOffset: 0, transA: attrs.transA, b: bv, bOffset: 0, transB: attrs.transB, c: out, cOffset: 0 });
    scaleIntegers(out, useC ? cValues : undefined, attrs);
  }
  return direct ?? tensorFromCompute(a.type, [m, n], out);
}

/** out = alpha * out + beta * c for integer storage; exact when alpha and beta are 1. */
function scaleIntegers(out: ComputeArray, c: ComputeArray | undefined, { alpha, beta }: GemmAttributes): void {
  const exact = alpha === 1 && (c === undefined || beta === 1);
  if (exact && !c) return;
  if (isBigIntArray(out)) {
    for (let i = 0; i < out.length; i++) {
      const cv = c ? (c[i] as bigint) : 0n;
      out[i] = exact ? out[i] + cv : BigInt(Math.trunc(alpha * Number(out[i]) + beta * Number(cv)));
    }
    return;
  }
  for (let i = 0; i < out.length; i++) {
    const cv = c ? (c[i] as number) : 0;
    out[i] = exact ? (out[i] as number) + cv : Math.trunc(alpha * (out[i] as number) + beta * cv);
  }
}

export function parseGemmAttributes(attrs: AttributeReader, legacy: boolean): GemmAttributes {
  return {
    alpha: attrs.float('alpha', 1),
    beta: attrs.float('beta', 1),
    transA: attrs.int('transA', 0) !== 0,
    transB: attrs.int('transB', 0) !== 0,
    legacyBroadcast: legacy ? attrs.int('broadcast', 0) !== 0 : undefined,
  };
}

function gemmKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  const legacy = sinceVersion < 7;
  return kernel<GemmAttributes>({
    domain: '',
    opType: 'Gemm',
    sinceVersion,
    untilVersion,
    typeConstraints: [0, 1, 2].map((input) => ({ input, types })),
    parseAttributes: (attrs) => parseGemmAttributes(attrs, legacy),
    run(inputs, attrs, context) {
      if (sinceVersion < 11 && inputs[2] === undefined) throw new KernelInputError('C is required before opset 11');
      return [computeGemm(inputs, attrs, context)];
    },
  });
}

const LEGACY_FLOATS: readonly DataType[] = ['float16', 'float32', 'float64'];
const GEMM_INT_TYPES: readonly DataType[] = ['int32', 'int64', 'uint32', 'uint64'];

export const gemmKernels: KernelDefinition[] = [
  gemmKernel(1, 6, LEGACY_FLOATS),
  gemmKernel(7, 8, LEGACY_FLOATS),
  gemmKernel(9, 10, [...LEGACY_FLOATS, ...GEMM_INT_TYPES]),
  gemmKernel(11, 12, [...LEGACY_FLOATS, ...GEMM_INT_TYPES]),
  gemmKernel(13, undefined, [...FLOAT_TYPES, ...GEMM_INT_TYPES]),
];
