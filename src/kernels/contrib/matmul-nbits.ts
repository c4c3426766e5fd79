/**
 * com.microsoft MatMulNBits: Y = A x dequantize(B)^T (+ bias), B an [N, K] weight quantized
 * per block of `block_size` values along K to `bits` bits and packed low bits first, each block
 * with a scale and a zero point (packed like B, or as floats; 2^(bits - 1) when absent; g_idx,
 * when given, names each k's block). B is dequantized in float32, a tile of rows at a time,
 * and multiplied through the shared float GEMM.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { gemm } from '../linalg/gemm-core.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { numbersOf } from '../quant/quant-params.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { tensorFromCompute, type NumberArray } from '../support/numeric.js';

interface NBitsAttributes {
  readonly k: number;
  readonly n: number;
  readonly bits: number;
  readonly blockSize: number;
}

function parseAttributes(attrs: AttributeReader): NBitsAttributes {
  const k = attrs.requiredInt('K');
  const n = attrs.requiredInt('N');
  const bits = attrs.int('bits', 4);
  const blockSize = attrs.requiredInt('block_size');
  if (![2, 4, 8].includes(bits)) throw new KernelInputError(`attribute 'bits' must be 2, 4 or 8, got ${bits}`);
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new KernelInputError(`attribute 'block_size' must be a power of two of at least 16, got ${blockSize}`);
  }
  if (k < 1 || n < 1) throw new KernelInputError(`attributes 'K' and 'N' must be positive, got K=${k}, N=${n}`);
  return { k, n, bits, blockSize };
}

function expectSize(t: DenseTensor, size: number, what: string, layout: string): void {
  if (t.size !== size) throw new KernelInputError(`${what} must hold ${size} values (${layout}), got shape ${formatShape(t.dims)}`);
}

/** The `bits`-wide value at position `index` of the packed bytes starting at `start`. */
function unpack(bytes: NumberArray, start: number, index: number, bits: number): number {
  const bit = index * bits;
  return (bytes[start + (bit >> 3)] >> (bit & 7)) & ((1 << bits) - 1);
}

interface QuantizedWeights {
  readonly b: DenseTensor;
  readonly scales: DenseTensor;
  readonly zeroPoints?: DenseTensor;
  readonly groupIndex?: DenseTensor;
}

/** The block of each k: consecutive runs of block_size, or as g_idx lists them. */
function blockIndex(groupIndex: DenseTensor | undefined, k: number, blockSize: number, blocks: number): Int32Array {
  if (!groupIndex) return Int32Array.from({ length: k }, (_, i) => Math.floor(i / blockSize));
  expectSize(groupIndex, k, 'g_idx', 'one block index per k');
  const index = Int32Array.from(numbersOf(groupIndex));
  const bad = index.findIndex((block) => block < 0 || block >= blocks);
  if (bad >= 0) throw new KernelInputError(`g_idx[${bad}] = ${index[bad]} is not a block index (0..${blocks - 1})`);
  return index;
}

/** Writes rows [first, first + count) of B, dequantized, into `into` (row-major, K per row). */
type RowDequantizer = (first: number, count: number, into: Float32Array) => void;

function rowDequantizer({ b, scales, zeroPoints, groupIndex }: QuantizedWeights, attrs: NBitsAttributes): RowDequantizer {
  const { k, n, bits, blockSize } = attrs;
  const blocks = Math.ceil(k / blockSize);
  const blobSize = (blockSize * bits) / 8;
  expectSize(b, n * blocks * blobSize, 'B', `[N, ceil(K / block_size), block_size * bits / 8] = [${n}, ${blocks}, ${blobSize}]`);
  expectSize(scales, n * blocks, 'scales', `[N, ceil(K / block_size)] = [${n}, ${blocks}]`);
  const packedZeroPoints = zeroPoints?.type === 'uint8';
  const zeroRowBytes = Math.ceil((blocks * bits) / 8);
  if (zeroPoints) {
    expectSize(zeroPoints, packedZeroPoints ? n * zeroRowBytes : n * blocks, 'zero_points', packedZeroPoints ? `packed [N, ${zeroRowBytes}]` : `[N, ${blocks}]`);
  }
  const blockOf = blockIndex(groupIndex, k, blockSize, blocks);
  const bytes = b.data as NumberArray;
  const scaleValues = numbersOf(scales);
  const zeroValues = zeroPoints ? numbersOf(zeroPoints) : undefined;
  const rowZeros = new Float32Array(blocks).fill(1 << (bits - 1));
  return (first, count, into) => {
    for (let r = 0; r < count; r++) {
      const row = first + r;
      if (zeroValues) {
        for (let block = 0; block < blocks; block++) {
          rowZeros[block] = packedZeroPoints ? unpack(zeroValues, row * zeroRowBytes, block, bits) : zeroValues[row * blocks + block];
        }
      }
      const blob = row * blocks * blobSize;
      const scaleBase = row * blocks;
      for (let i = 0; i < k; i++) {
        const block = blockOf[i];
        into[r * k + i] = Math.fround(unpack(bytes, blob, i, bits) - rowZeros[block]) * scaleValues[scaleBase + block];
      }
    }
  };
}

/** Weight elements dequantized at once; B is multiplied a tile of rows at a time so memory stays bounded for large layers. */
const TILE_ELEMENTS = 1 << 20;

const TYPES: readonly DataType[] = FLOAT_TYPES.filter((t) => t !== 'float64');

export const matmulNBitsKernels: KernelDefinition[] = [
  kernel<NBitsAttributes>({
    domain: 'com.microsoft',
    opType: 'MatMulNBits',
    sinceVersion: 1,
    typeConstraints: [{ input: 0, types: TYPES }, { input: 1, types: ['uint8'] }, { input: 2, types: TYPES }],
    parseAttributes,
    run(inputs, attrs) {
      const a = tensorInput(inputs, 0, 'A');
      const { k, n } = attrs;
      if (a.rank < 1 || a.dims[a.rank - 1] !== k) throw new KernelInputError(`A must end in a dimension of K = ${k}, got shape ${formatShape(a.dims)}`);
      const dequantizeRows = rowDequantizer({
        b: tensorInput(inputs, 1, 'B'),
        scales: tensorInput(inputs, 2, 'scales'),
        zeroPoints: optionalTensorInput(inputs, 3, 'zero_points'),
        groupIndex: optionalTensorInput(inputs, 4, 'g_idx'),
      }, attrs);
      const bias = optionalTensorInput(inputs, 5, 'bias');
      if (bias) expectSize(bias, n, 'bias', '[N]');
      const rows = a.size / k;
      const y = new Float32Array(rows * n);
      if (bias) {
        const biases = numbersOf(bias);
        for (let r = 0; r < rows; r++) y.set(biases, r * n);
      }
      const values = numbersOf(a) as Float32Array;
      const tileRows = Math.max(1, Math.floor(TILE_ELEMENTS / k));
      const tile = new Float32Array(Math.min(n, tileRows) * k);
      for (let first = 0; first < n; first += tileRows) {
        const count = Math.min(tileRows, n - first);
        dequantizeRows(first, count, tile);
        gemm({
          m: rows, n: count, k, a: values, aOffset: 0, lda: k, transA: false, b: tile, bOffset: 0, ldb: k, transB: true,
          c: y, cOffset: first, ldc: n, alpha: 1, beta: bias ? 1 : 0,
        });
      }
      return [tensorFromCompute(a.type, [...a.dims.slice(0, -1), n], y)];
    },
  }),
];
