/**
 * MatMul with numpy.matmul semantics: a 1-D A is a row vector and a 1-D B a column vector (the
 * added dimension is dropped from the result), and the leading (batch) dimensions broadcast.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { broadcastIndex, broadcastShapes } from '../support/broadcast.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';
import { gemm, type FloatArray } from './gemm-core.js';
import { integerGemm } from './integer-gemm.js';

const MATMUL_INT_TYPES: readonly DataType[] = ['int32', 'int64', 'uint32', 'uint64'];

interface MatMulLayout {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly batch: number[];
  readonly outDims: number[];
  /** Per output batch, the batch index into A / B; undefined when it is the output's own. */
  readonly aBatchIndex: Int32Array | undefined;
  readonly bBatchIndex: Int32Array | undefined;
  /** B (or A) has a single matrix shared by every batch. */
  readonly bShared: boolean;
  readonly aShared: boolean;
}

function layoutOf(a: Shape, b: Shape): MatMulLayout {
  if (a.length === 0 || b.length === 0) {
    throw new KernelInputError(`MatMul needs inputs of rank >= 1, got A ${formatShape(a)} and B ${formatShape(b)}`);
  }
  const [m, k] = a.length === 1 ? [1, a[0]] : a.slice(-2);
  const [kb, n] = b.length === 1 ? [b[0], 1] : b.slice(-2);
  if (k !== kb) {
    throw new KernelInputError(`A ${formatShape(a)} and B ${formatShape(b)} do not multiply: A has ${k} columns, B has ${kb} rows`);
  }
  const aBatch = a.slice(0, -2);
  const bBatch = b.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch);
  const outDims = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return {
    m, k, n, batch, outDims,
    aBatchIndex: broadcastIndex(aBatch, batch),
    bBatchIndex: broadcastIndex(bBatch, batch),
    aShared: sizeOf(aBatch) === 1,
    bShared: sizeOf(bBatch) === 1,
  };
}

export function matmul(a: DenseTensor, b: DenseTensor): DenseTensor {
  if (a.type !== b.type) throw new KernelInputError(`A is ${a.type} but B is ${b.type}; both must have one type`);
  const layout = layoutOf(a.dims, b.dims);
  const { m, k, n, batch } = layout;
  const av = computeValues(a);
  const bv = computeValues(b);
  const out = computeBuffer(a.type, sizeOf(layout.outDims));
  const isFloat = FLOAT_TYPES.includes(a.type);
  const product = (rows: number, aOffset: number, bOffset: number, cOffset: number): void => {
    if (isFloat) {
      gemm({
        m: rows, n, k, a: av as FloatArray, aOffset, lda: k, transA: false, b: bv as FloatArray, bOffset, ldb: n, transB: false,
        c: out as FloatArray, cOffset, ldc: n, alpha: 1, beta: 0,
      });
    } else {
      integerGemm({ m: rows, n, k, a: av, aOffset, transA: false, b: bv, bOffset, transB: false, c: out, cOffset });
    }
  };
  const batches = sizeOf(batch);
  // One matrix of B for every batch of A (a Linear layer): the batches stack into the rows of one product.
  if (layout.bShared && !layout.aBatchIndex) {
    product(batches * m, 0, 0, 0);
  } else {
    for (let i = 0; i < batches; i++) {
      const ai = layout.aShared ? 0 : (layout.aBatchIndex?.[i] ?? i);
      const bi = layout.bShared ? 0 : (layout.bBatchIndex?.[i] ?? i);
      product(m, ai * m * k, bi * k * n, i * m * n);
    }
  }
  return tensorFromCompute(a.type, layout.outDims, out);
}

function matmulKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel({
    domain: '',
    opType: 'MatMul',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }, { input: 1, types }],
    run: (inputs) => [matmul(tensorInput(inputs, 0, 'A'), tensorInput(inputs, 1, 'B'))],
  });
}

const LEGACY_FLOATS: readonly DataType[] = ['float16', 'float32', 'float64'];

export const matmulKernels: KernelDefinition[] = [
  matmulKernel(1, 8, LEGACY_FLOATS),
  matmulKernel(9, 12, [...LEGACY_FLOATS, ...MATMUL_INT_TYPES]),
  matmulKernel(13, undefined, [...FLOAT_TYPES, ...MATMUL_INT_TYPES]),
];
