/**
 * BitCast (opset 26): the same bits read as another type of the same width. Byte-wide and
 * wider types reinterpret their storage bytes (little-endian, as typed arrays are on every
 * platform JavaScript runs on). Sub-byte types are stored one element per byte, so their
 * low 2 or 4 bits are what moves, sign-extended for int4/int2. Bool storage stays 0/1, so a
 * nonzero byte reads as true rather than keeping an invalid bool pattern.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_DATA_TYPES, dataTypeFromOnnx, storageConstructorOf, wireBitsOf, type DataType, type TensorStorage } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import type { NumberArray } from '../support/numeric.js';

const BITCAST_TYPES: readonly DataType[] = ALL_DATA_TYPES.filter((t) => t !== 'string');
const SIGNED_SUB_BYTE: readonly DataType[] = ['int4', 'int2'];

type ByteStorage = Exclude<TensorStorage, string[]>;
type ByteStorageConstructor = new (buffer: ArrayBuffer) => ByteStorage;

function reinterpretBytes(data: ByteStorage, to: DataType): ByteStorage {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (to === 'bool') return bytes.map((b) => (b !== 0 ? 1 : 0));
  const Ctor = storageConstructorOf(to) as unknown as ByteStorageConstructor;
  return new Ctor(bytes.buffer);
}

function reinterpretSubByte(data: NumberArray, to: DataType, bits: number): NumberArray {
  const out = new (storageConstructorOf(to) as Int8ArrayConstructor | Uint8ArrayConstructor)(data.length);
  const shift = 32 - bits;
  const signed = SIGNED_SUB_BYTE.includes(to);
  for (let i = 0; i < data.length; i++) out[i] = signed ? (data[i] << shift) >> shift : (data[i] << shift) >>> shift;
  return out;
}

function bitcast(x: DenseTensor, to: DataType): DenseTensor {
  const bits = wireBitsOf(x.type);
  if (wireBitsOf(to) !== bits) {
    throw new KernelInputError(`BitCast needs types of one width: ${x.type} has ${bits} bits, ${to} has ${wireBitsOf(to)}`);
  }
  if (x.type === to) return x;
  const data = bits < 8 ? reinterpretSubByte(x.data as NumberArray, to, bits) : reinterpretBytes(x.data as ByteStorage, to);
  return new DenseTensor(to, x.dims, data);
}

export const bitcastKernels: KernelDefinition[] = [
  kernel<DataType>({
    domain: '',
    opType: 'BitCast',
    sinceVersion: 26,
    typeConstraints: [{ input: 0, types: BITCAST_TYPES }],
    parseAttributes(attrs) {
      const code = attrs.requiredInt('to');
      const to = dataTypeFromOnnx(code);
      if (to === undefined || !BITCAST_TYPES.includes(to)) throw new KernelInputError(`attribute 'to' is ${code}, not a data type BitCast supports`);
      return to;
    },
    run: (inputs, to) => [bitcast(tensorInput(inputs, 0, 'input'), to)],
  }),
];
