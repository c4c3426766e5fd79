/**
 * .npy bytes -> DenseTensor (format versions 1.0, 2.0 and 3.0; C order; any byte order).
 * The header is a Python dict literal; its three keys are picked out rather than evaluated.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { storageConstructorOf, type TensorStorage } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { parseDescr, SUPPORTED_DTYPES, swapBytes, type NpyDtype } from './npy-dtype.js';
import { TensorFileError } from './tensor-file-error.js';

export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

interface NpyHeader {
  readonly descr: string;
  readonly dtype: NpyDtype;
  readonly shape: number[];
  readonly dataStart: number;
}

function readHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new TensorFileError(file, 'bad-magic', 'not a .npy file: it does not start with the \\x93NUMPY magic');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new TensorFileError(file, 'bad-header', `.npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  const lengthSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthSize) throw new TensorFileError(file, 'truncated', 'the file ends inside the .npy header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthSize;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new TensorFileError(file, 'truncated', `the .npy header says it is ${headerLength} bytes, but the file ends after ${bytes.length - headerStart}`);
  }
  const raw = bytes.subarray(headerStart, dataStart);
  // Versions 1 and 2 write the header in latin-1, version 3 in UTF-8.
  const text = major === 3 ? new TextDecoder().decode(raw) : Array.from(raw, (b) => String.fromCharCode(b)).join('');

  const descrMatch = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  if (!descrMatch) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) {
      throw new TensorFileError(file, 'unsupported-dtype', 'structured (record) dtypes are not supported; save a plain array');
    }
    throw new TensorFileError(file, 'bad-header', `the .npy header has no 'descr': ${text.trim()}`);
  }
  const descr = descrMatch[1];
  const dtype = parseDescr(descr);
  if (!dtype) {
    const why = descr.endsWith('O') ? ' (Python objects need pickle; save numbers or strings)' : '';
    throw new TensorFileError(file, 'unsupported-dtype', `dtype '${descr}' is not supported${why}; supported: ${SUPPORTED_DTYPES}`);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortran) throw new TensorFileError(file, 'bad-header', `the .npy header has no 'fortran_order': ${text.trim()}`);
  if (fortran[1] === 'True') {
    throw new TensorFileError(file, 'fortran-order', 'the array is stored in Fortran (column-major) order; save it with numpy.ascontiguousarray first');
  }
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) throw new TensorFileError(file, 'bad-header', `the .npy header has no 'shape' tuple: ${text.trim()}`);
  const shape = shapeMatch[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    if (!/^\d+L?$/.test(s)) throw new TensorFileError(file, 'bad-header', `the .npy shape has a bad dimension '${s}'`);
    return Number.parseInt(s, 10);
  });
  return { descr, dtype, shape, dataStart };
}

function decodeStrings(body: Uint8Array, dtype: NpyDtype & { kind: 'string' }, count: number): string[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const codePoints: number[] = [];
    for (let c = 0; c < dtype.length; c++) {
      const cp = view.getUint32(i * dtype.itemSize + c * 4, !dtype.bigEndian);
      if (cp === 0) break;
      codePoints.push(cp);
    }
    out[i] = String.fromCodePoint(...codePoints);
  }
  return out;
}

export function readNpy(bytes: Uint8Array, file: string): DenseTensor {
  const { descr, dtype, shape, dataStart } = readHeader(bytes, file);
  const count = sizeOf(shape);
  const needed = count * dtype.itemSize;
  const body = bytes.subarray(dataStart);
  const shapeText = `(${shape.join(', ')})`;
  if (body.length < needed) {
    throw new TensorFileError(file, 'truncated', `the data is cut short: shape ${shapeText} of '${descr}' needs ${needed} bytes, the file has ${body.length}`);
  }
  if (body.length > needed) {
    throw new TensorFileError(file, 'trailing-data', `${body.length - needed} bytes follow the data of shape ${shapeText} of '${descr}'`);
  }
  if (dtype.kind === 'string') {
    try {
      return new DenseTensor('string', shape, decodeStrings(body, dtype, count));
    } catch (error) {
      throw new TensorFileError(file, 'bad-value', `a string holds an invalid code point: ${(error as Error).message}`, { cause: error });
    }
  }
  // A copy gives the typed array an aligned buffer of its own, which the swap may then change.
  const copy = body.slice();
  if (dtype.bigEndian) swapBytes(copy, dtype.swapWidth);
  const Ctor = storageConstructorOf(dtype.type) as Exclude<ReturnType<typeof storageConstructorOf>, ArrayConstructor>;
  const data = new Ctor(copy.buffer, 0, copy.byteLength / Ctor.BYTES_PER_ELEMENT) as TensorStorage;
  if (dtype.type === 'bool') (data as Uint8Array).forEach((v, i, a) => (a[i] = v ? 1 : 0));
  return new DenseTensor(dtype.type, shape, data);
}
