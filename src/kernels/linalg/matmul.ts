/**
 * MatMul with numpy.matmul semantics: a 1-D A is a row vector and a 1-D B a column vector (the
 * added dimension is dropped from the result), and the leading (batch) dimensions broadcast.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { allocateOutput, kernel, type KernelContext, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';
import { gemm, type FloatArray } from './gemm-core.js';
import { integerGemm } from './integer-gemm.js';
import { matmulShape } from './matmul-shape.js';

const MATMUL_INT_TYPES: readonly DataType[] = ['int32', 'int64', 'uint32', 'uint64'];

/** With `context`, float32 and float64 results go to storage from its allocate() (the run's arena). */
export function matmul(a: DenseTensor, b: DenseTensor, context?: KernelContext): DenseTensor {
  if (a.type !== b.type) throw new KernelInputError(`A is ${a.type} but B is ${b.type}; both must have one type`);
  const shape = matmulShape(a.dims, b.dims);
  const { m, k, n, batches } = shape;
  const type = a.type;
  // float32 and float64 results go straight into the output's storage.
  const direct = type === 'float32' || type === 'float64' ? allocateOutput(context, type, shape.outDims) : undefined;
  const av = computeValues(a);
  const bv = computeValues(b);
  const out = direct ? (direct.data as FloatArray) : computeBuffer(type, sizeOf(shape.outDims));
  const isFloat = direct !== undefined || FLOAT_TYPES.includes(type);
  const constantB = context?.isConstant?.(b) ? b : undefined;
  const product = (rows: number, aOffset: number, bOffset: number, cOffset: number): void => {
    if (isFloat) {
      gemm({
        m: rows, n, k, a: av as FloatArray, aOffset, lda: k, transA: false, b: bv as FloatArray, bOffset, ldb: n, transB: false,
        c: out as FloatArray, cOffset, ldc: n, alpha: 1, beta: 0, constantB,
      });
    } else {
      integerGemm({ m: rows, n, k, a: av, aOffset, transA: false, b: bv, bOffset, transB: false, c: out, cOffset });
    }
  };
  // One matrix of B for every batch of A (a Linear layer): the batches stack into the rows of one product.
  if (shape.stackable) {
    product(batches * m, 0, 0, 0);
  } else {
    for (let i = 0; i < batches; i++) product(m, shape.aMatrix(i) * m * k, shape.bMatrix(i) * k * n, i * m * n);
  }
  return direct ?? tensorFromCompute(type, shape.outDims, out);
}

function matmulKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel({
    domain: '',
    opType: 'MatMul',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }, { input: 1, types }],
    run: (inputs, _attributes, context) => [matmul(tensorInput(inputs, 0, 'A'), tensorInput(inputs, 1, 'B'), context)],
  });
}

const LEGACY_FLOATS: readonly DataType[] = ['float16', 'float32', 'float64'];

export const matmulKernels: KernelDefinition[] = [
  matmulKernel(1, 8, LEGACY_FLOATS),
  matmulKernel(9, 12, [...LEGACY_FLOATS, ...MATMUL_INT_TYPES]),
  matmulKernel(13, undefined, [...FLOAT_TYPES, ...MATMUL_INT_TYPES]),
];
