import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/cli/tensor-files/npy-read.js';
import { encodeNpy } from '../../src/cli/tensor-files/npy-write.js';
import { TensorFileError, type TensorFileProblem } from '../../src/cli/tensor-files/tensor-file-error.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import type { DataType, TensorStorage } from '../../src/tensor/element-type.js';
import { numberToFloat16Bits } from '../../src/tensor/numeric/float16.js';
import { numberToBfloat16Bits } from '../../src/tensor/numeric/bfloat16.js';

/** Files written by numpy 2.4 (np.save / np.lib.format.write_array), base64. */
const NUMPY_FILES = {
  bigEndianInt32: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAQAAAAIAAAADAAAABAAAAAU=',
  float16: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAOADA/3s=',
  unicode: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPFU1JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIApoAAAA6QAAAGwAAABsAAAAbwAAAHgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9gEAYgAAAAAAAAAAAAAAAAAAAA==',
  bool: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=',
  float64Scalar: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAKQA==',
  fortran: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQAAAgD8AAIBAAAAAQAAAoEA=',
  version2BigEndianUint64: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc+dTgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAI=',
  version3Int16: 'k05VTVBZAwB0AAAAeydkZXNjcic6ICc8aTInLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAEAAgA=',
};

function numpyFile(name: keyof typeof NUMPY_FILES): Uint8Array {
  return new Uint8Array(Buffer.from(NUMPY_FILES[name], 'base64'));
}

function headerText(bytes: Uint8Array): string {
  const length = bytes[8] | (bytes[9] << 8);
  return new TextDecoder().decode(bytes.subarray(10, 10 + length));
}

/** A file made by hand: the given header dict (padded as numpy pads it) and body. */
function handMade(dict: string, body: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const header = dict + ' '.repeat((64 - ((prefix + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(prefix + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(body, prefix + header.length);
  return out;
}

function expectProblem(action: () => unknown, problem: TensorFileProblem, message: RegExp): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TensorFileError);
    expect((error as TensorFileError).problem).toBe(problem);
    expect((error as Error).message).toMatch(/^bad\.npy: /);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a TensorFileError');
}

const CASES: [DataType, string, TensorStorage][] = [
  ['float16', 'f2', Uint16Array.from([0.5, -2, 65504, Infinity, NaN], numberToFloat16Bits)],
  ['float32', 'f4', Float32Array.from([1.5, -0, 3.4e38, -Infinity, NaN])],
  ['float64', 'f8', Float64Array.from([Math.PI, -1e-300, 2 ** 60, Infinity, NaN])],
  ['int8', 'i1', Int8Array.from([-128, -1, 0, 1, 127])],
  ['int16', 'i2', Int16Array.from([-32768, -2, 0, 300, 32767])],
  ['int32', 'i4', Int32Array.from([-(2 ** 31), -3, 0, 70000, 2 ** 31 - 1])],
  ['int64', 'i8', BigInt64Array.from([-(2n ** 63n), -4n, 0n, 2n ** 53n + 1n, 2n ** 63n - 1n])],
  ['uint8', 'u1', Uint8Array.from([0, 1, 127, 128, 255])],
  ['uint16', 'u2', Uint16Array.from([0, 1, 256, 4660, 65535])],
  ['uint32', 'u4', Uint32Array.from([0, 1, 65536, 305419896, 2 ** 32 - 1])],
  ['uint64', 'u8', BigUint64Array.from([0n, 1n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n])],
  ['bool', 'b1', Uint8Array.from([1, 0, 0, 1, 1])],
  ['complex64', 'c8', Float32Array.from([1, -2, 3.5, 0, -0.25, 8, 1e10, -1e-10, 0, 1])],
  ['complex128', 'c16', Float64Array.from([Math.E, -2, 3.5, 0, -0.25, 8, 1e300, -1e-300, 0, 1])],
  ['string', 'U', ['', 'a', 'héllo wörld', '😀 emoji', 'tab\there']],
];

describe('.npy round trip', () => {
  for (const order of ['<', '>'] as const) {
    it.each(CASES)(`%s (%s) with byte order ${order}`, (type, code, data) => {
      const dims = [5];
      const tensor = new DenseTensor(type, dims, data);
      const bytes = encodeNpy(tensor, { byteOrder: order });
      const header = headerText(bytes);
      const expectedOrder = code.endsWith('1') ? '|' : order;
      expect(header).toContain(`'descr': '${expectedOrder}${code}`);
      expect(header).toContain("'shape': (5,)");
      // The data starts on a 64-byte boundary, as numpy writes it.
      expect((10 + header.length) % 64).toBe(0);
      const back = readNpy(bytes, 'x.npy');
      expect(back.type).toBe(type);
      expect(back.dims).toEqual(dims);
      expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(data as ArrayLike<unknown>));
    });
  }

  it('keeps multi-dimensional, scalar and empty shapes', () => {
    for (const dims of [[2, 3, 1], [], [0], [4, 0, 2]]) {
      const size = dims.reduce((a, b) => a * b, 1);
      const tensor = new DenseTensor('float32', dims, Float32Array.from({ length: size }, (_, i) => i / 3));
      const bytes = encodeNpy(tensor);
      expect(headerText(bytes)).toContain(dims.length === 0 ? "'shape': ()" : `'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''})`);
      const back = readNpy(bytes, 'x.npy');
      expect(back.dims).toEqual(dims);
      expect(back.data).toEqual(tensor.data);
    }
  });

  it('widens types .npy has no dtype for, losslessly', () => {
    const bf16 = new DenseTensor('bfloat16', [3], Uint16Array.from([1.5, -256, 0.0078125], numberToBfloat16Bits));
    const fromBf16 = readNpy(encodeNpy(bf16), 'x.npy');
    expect(fromBf16.type).toBe('float32');
    expect(Array.from(fromBf16.data as Float32Array)).toEqual([1.5, -256, 0.0078125]);
    const int4 = readNpy(encodeNpy(new DenseTensor('int4', [3], Int8Array.from([-8, 0, 7]))), 'x.npy');
    expect(int4.type).toBe('int8');
    expect(Array.from(int4.data as Int8Array)).toEqual([-8, 0, 7]);
  });
});

describe('.npy files written by numpy', () => {
  it('reads big-endian int32 in C order', () => {
    const t = readNpy(numpyFile('bigEndianInt32'), 'x.npy');
    expect(t.type).toBe('int32');
    expect(t.dims).toEqual([2, 3]);
    expect(Array.from(t.data as Int32Array)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads float16 as its bit patterns', () => {
    const t = readNpy(numpyFile('float16'), 'x.npy');
    expect(t.type).toBe('float16');
    expect(Array.from(t.data as Uint16Array)).toEqual([0.5, -2, 65504].map(numberToFloat16Bits));
  });

  it('reads unicode strings, including characters beyond the BMP', () => {
    const t = readNpy(numpyFile('unicode'), 'x.npy');
    expect(t.type).toBe('string');
    expect(t.dims).toEqual([2, 2]);
    expect(t.data).toEqual(['héllo', 'x', '', '😀b']);
  });

  it('reads bools and 0-d arrays', () => {
    expect(Array.from(readNpy(numpyFile('bool'), 'x.npy').data as Uint8Array)).toEqual([1, 0, 1]);
    const scalar = readNpy(numpyFile('float64Scalar'), 'x.npy');
    expect(scalar.dims).toEqual([]);
    expect(Array.from(scalar.data as Float64Array)).toEqual([3.25]);
  });

  it('reads format versions 2.0 and 3.0', () => {
    const v2 = readNpy(numpyFile('version2BigEndianUint64'), 'x.npy');
    expect(v2.type).toBe('uint64');
    expect(Array.from(v2.data as BigUint64Array)).toEqual([0n, 1n, 2n]);
    const v3 = readNpy(numpyFile('version3Int16'), 'x.npy');
    expect(v3.type).toBe('int16');
    expect(Array.from(v3.data as Int16Array)).toEqual([0, 1, 2]);
  });

  it('writes what numpy writes for the same array', () => {
    const ours = encodeNpy(new DenseTensor('int32', [2, 3], Int32Array.from([0, 1, 2, 3, 4, 5])), { byteOrder: '>' });
    expect(Buffer.from(ours).toString('base64')).toBe(NUMPY_FILES.bigEndianInt32);
  });
});

describe('bad .npy files', () => {
  const dict = (descr: string, shape = '(2,)', fortran = 'False'): string => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

  it('refuses a file without the magic', () => {
    expectProblem(() => readNpy(new TextEncoder().encode('1,2,3\n4,5,6\n'), 'bad.npy'), 'bad-magic', /not a \.npy file/);
    expectProblem(() => readNpy(new Uint8Array(0), 'bad.npy'), 'bad-magic', /magic/);
  });

  it('refuses fortran order with a way out', () => {
    const bytes = numpyFile('fortran');
    expectProblem(() => readNpy(bytes, 'bad.npy'), 'fortran-order', /Fortran.*ascontiguousarray/);
  });

  it('names unsupported dtypes', () => {
    expectProblem(() => readNpy(handMade(dict('|O')), 'bad.npy'), 'unsupported-dtype', /dtype '\|O' is not supported \(Python objects/);
    expectProblem(() => readNpy(handMade(dict('<M8[ns]')), 'bad.npy'), 'unsupported-dtype', /dtype '<M8\[ns\]' is not supported; supported: f2 f4/);
    expectProblem(() => readNpy(handMade(dict('<f16')), 'bad.npy'), 'unsupported-dtype', /'<f16'/);
    expectProblem(() => readNpy(handMade("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }"), 'bad.npy'), 'unsupported-dtype', /structured/);
  });

  it('says when the data is cut short or followed by more', () => {
    const full = encodeNpy(new DenseTensor('float32', [2, 3], new Float32Array(6)));
    expectProblem(() => readNpy(full.subarray(0, full.length - 5), 'bad.npy'), 'truncated', /shape \(2, 3\) of '<f4' needs 24 bytes, the file has 19/);
    expectProblem(() => readNpy(full.subarray(0, 40), 'bad.npy'), 'truncated', /header says it is 118 bytes/);
    const longer = new Uint8Array(full.length + 3);
    longer.set(full);
    expectProblem(() => readNpy(longer, 'bad.npy'), 'trailing-data', /3 bytes follow the data/);
  });

  it('refuses unknown versions and broken headers', () => {
    const v9 = handMade(dict('<f4'), new Uint8Array(8));
    v9[6] = 9;
    expectProblem(() => readNpy(v9, 'bad.npy'), 'bad-header', /version 9\.0 is not supported/);
    expectProblem(() => readNpy(handMade("{'fortran_order': False, 'shape': (2,), }"), 'bad.npy'), 'bad-header', /no 'descr'/);
    expectProblem(() => readNpy(handMade(dict('<f4', '(2, x)')), 'bad.npy'), 'bad-header', /bad dimension 'x'/);
    expectProblem(() => readNpy(handMade(dict('<f4', '[2]')), 'bad.npy'), 'bad-header', /no 'shape'/);
  });

  it('reads a hand-made version 2.0 header', () => {
    const t = readNpy(handMade(dict('>f8', '(1,)'), Uint8Array.from([0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]), 2), 'x.npy');
    expect(Array.from(t.data as Float64Array)).toEqual([Math.PI]);
  });
});
