import { describe, expect, it } from 'vitest';
import { packSubByte, unpackSubByte } from '../../src/tensor/numeric/sub-byte.js';

describe('sub-byte packing', () => {
  it('packs int4 low nibble first and sign-extends on unpack', () => {
    const values = [-8, 7, -1, 0, 3];
    const packed = packSubByte('int4', values);
    expect(Array.from(packed)).toEqual([0x78, 0x0f, 0x03]);
    expect(Array.from(unpackSubByte('int4', packed, 5))).toEqual(values);
  });

  it('packs uint2 four to a byte', () => {
    const values = [0, 1, 2, 3, 3, 2];
    const packed = packSubByte('uint2', values);
    expect(Array.from(packed)).toEqual([0b11100100, 0b1011]);
    expect(Array.from(unpackSubByte('uint2', packed, 6))).toEqual(values);
  });

  it('round-trips int2 and uint4 at every length', () => {
    for (let n = 0; n < 11; n++) {
      const i2 = Array.from({ length: n }, (_, i) => (i % 4) - 2);
      expect(Array.from(unpackSubByte('int2', packSubByte('int2', i2), n))).toEqual(i2);
      const u4 = Array.from({ length: n }, (_, i) => (i * 5) % 16);
      expect(Array.from(unpackSubByte('uint4', packSubByte('uint4', u4), n))).toEqual(u4);
    }
  });
});
