/**
 * Moves a tensor's raw_data back onto an aligned offset inside the model's own bytes, over the
 * field's tag and length that precede it, so a typed array can view it where a copy would
 * otherwise be needed (most weights of a model sit at offsets that are no multiple of 4).
 *
 * Only for bytes nobody else reads afterwards: a model this runtime read from a file or URL
 * itself, once decoded. The field header is checked to be exactly raw_data's (field 9,
 * length-delimited, holding this length), so nothing but those few bytes is overwritten.
 */

/** TensorProto.raw_data: field 9, wire type 2 (length-delimited). */
const RAW_DATA_TAG = (9 << 3) | 2;

function varintLength(value: number): number {
  let length = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) length++;
  return length;
}

/** Whether the `headerLength` bytes before `bytes` are raw_data's tag and `bytes.length` as a varint. */
function isRawDataHeader(bytes: Uint8Array, headerLength: number): boolean {
  const start = bytes.byteOffset - headerLength;
  if (start < 0) return false;
  const header = new Uint8Array(bytes.buffer, start, headerLength);
  if (header[0] !== RAW_DATA_TAG) return false;
  let value = 0;
  let scale = 1;
  for (let i = 1; i < headerLength; i++, scale *= 0x80) {
    const last = i === headerLength - 1;
    if ((header[i] >= 0x80) === last) return false;
    value += (header[i] & 0x7f) * scale;
  }
  return value === bytes.length;
}

/** The same bytes at the aligned offset just before them, or undefined where the header leaves too little room. */
export function alignRawDataInPlace(bytes: Uint8Array, alignment: number): Uint8Array | undefined {
  const shift = bytes.byteOffset % alignment;
  const headerLength = 1 + varintLength(bytes.length);
  if (shift > headerLength || !isRawDataHeader(bytes, headerLength)) return undefined;
  const to = bytes.byteOffset - shift;
  const whole = new Uint8Array(bytes.buffer);
  whole.copyWithin(to, bytes.byteOffset, bytes.byteOffset + bytes.length);
  return whole.subarray(to, to + bytes.length);
}
