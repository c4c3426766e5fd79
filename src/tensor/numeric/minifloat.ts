/**
 * The 8- and 4-bit float formats (float8 e4m3fn / e4m3fnuz / e5m2 / e5m2fnuz, float4 e2m1,
 * float8 e8m0). Decoding is a 256-entry table per format; encoding rounds to nearest even over
 * the sorted finite values, then applies the format's overflow rule (saturate or NaN/Inf), as
 * the Cast operator specifies.
 */
export type MinifloatType = 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'float4e2m1' | 'float8e8m0';

interface Format {
  readonly decode: Float32Array;
  /** Finite non-negative values ascending, with their codes. */
  readonly positives: readonly { value: number; code: number }[];
  readonly nanCode: number;
  /** Code for +infinity, when the format has one. */
  readonly infCode?: number;
  readonly signBit: number;
  readonly hasNegativeZero: boolean;
}

function buildIeeeLike(expBits: number, manBits: number, bias: number, kind: 'fn' | 'fnuz' | 'ieee'): Format {
  const total = 1 + expBits + manBits;
  const codes = 1 << total;
  const signBit = 1 << (total - 1);
  const decode = new Float32Array(codes);
  const maxExp = (1 << expBits) - 1;
  for (let code = 0; code < codes; code++) {
    const sign = code & signBit ? -1 : 1;
    const e = (code >> manBits) & maxExp;
    const m = code & ((1 << manBits) - 1);
    let v: number;
    if (kind === 'fnuz' && code === signBit) v = NaN;
    else if (kind === 'fn' && e === maxExp && m === (1 << manBits) - 1 && total === 8) v = NaN;
    else if (kind === 'ieee' && e === maxExp) v = m === 0 ? sign * Infinity : NaN;
    else if (e === 0) v = sign * m * 2 ** (1 - bias - manBits);
    else v = sign * (1 + m / (1 << manBits)) * 2 ** (e - bias);
    decode[code] = v;
  }
  const positives: { value: number; code: number }[] = [];
  for (let code = 0; code < signBit; code++) if (Number.isFinite(decode[code])) positives.push({ value: decode[code], code });
  positives.sort((a, b) => a.value - b.value);
  return {
    decode,
    positives,
    nanCode: kind === 'fnuz' ? signBit : kind === 'ieee' ? ((maxExp << manBits) | (1 << (manBits - 1))) : (codes - 1) & ~signBit,
    infCode: kind === 'ieee' ? maxExp << manBits : undefined,
    signBit,
    hasNegativeZero: kind !== 'fnuz',
  };
}

function buildE8M0(): Format {
  const decode = new Float32Array(256);
  for (let code = 0; code < 256; code++) decode[code] = code === 255 ? NaN : 2 ** (code - 127);
  const positives = Array.from({ length: 255 }, (_, code) => ({ value: decode[code], code }));
  return { decode, positives, nanCode: 255, signBit: 0, hasNegativeZero: false };
}

const FORMATS: Record<MinifloatType, Format> = {
  float8e4m3fn: buildIeeeLike(4, 3, 7, 'fn'),
  float8e4m3fnuz: buildIeeeLike(4, 3, 8, 'fnuz'),
  float8e5m2: buildIeeeLike(5, 2, 15, 'ieee'),
  float8e5m2fnuz: buildIeeeLike(5, 2, 16, 'fnuz'),
  // float4e2m1 has neither NaN nor infinity; buildIeeeLike's 'fn' NaN rule applies to 8-bit codes only.
  float4e2m1: buildIeeeLike(2, 1, 1, 'fn'),
  float8e8m0: buildE8M0(),
};

export function minifloatDecodeTable(type: MinifloatType): Float32Array {
  return FORMATS[type].decode;
}

export function decodeMinifloat(type: MinifloatType, code: number): number {
  return FORMATS[type].decode[code];
}

export type E8M0Rounding = 'up' | 'down' | 'nearest';

/** Rounds |x| to a code among the format's finite values (nearest-even unless `rounding` says). */
function nearestCode(format: Format, magnitude: number, rounding: E8M0Rounding | 'even'): { code: number; overflow: boolean } {
  const p = format.positives;
  let lo = 0;
  let hi = p.length - 1;
  if (magnitude > p[hi].value) {
    const top = p[hi];
    const below = p[hi - 1];
    const halfStep = (top.value - below.value) / 2;
    if (rounding === 'down') return { code: top.code, overflow: false };
    if (rounding === 'up') return { code: top.code, overflow: true };
    if (magnitude < top.value + halfStep || (magnitude === top.value + halfStep && (top.code & 1) === 0)) {
      return { code: top.code, overflow: false };
    }
    return { code: top.code, overflow: true };
  }
  if (magnitude <= p[0].value) {
    if (rounding === 'up' || magnitude === p[0].value) return { code: p[0].code, overflow: false };
    if (rounding === 'down') return { code: p[0].code, overflow: false };
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (p[mid].value <= magnitude) lo = mid;
    else hi = mid;
  }
  const a = p[lo];
  const b = p[hi];
  if (magnitude === a.value) return { code: a.code, overflow: false };
  if (magnitude === b.value) return { code: b.code, overflow: false };
  if (rounding === 'up') return { code: b.code, overflow: false };
  if (rounding === 'down') return { code: a.code, overflow: false };
  const mid = (a.value + b.value) / 2;
  if (rounding === 'nearest') return { code: magnitude < mid ? a.code : b.code, overflow: false };
  if (magnitude < mid) return { code: a.code, overflow: false };
  if (magnitude > mid) return { code: b.code, overflow: false };
  return { code: (a.code & 1) === 0 ? a.code : b.code, overflow: false };
}

/** float -> minifloat code with the Cast operator's saturate rule. */
export function encodeMinifloat(type: MinifloatType, value: number, saturate = true, rounding: E8M0Rounding = 'up'): number {
  const format = FORMATS[type];
  if (type === 'float8e8m0') {
    if (Number.isNaN(value)) return 255;
    if (value === Infinity) return saturate ? 254 : 255;
    if (value <= 0) return saturate ? 0 : 255;
    const { code, overflow } = nearestCode(format, value, rounding);
    if (overflow) return saturate ? 254 : 255;
    if (!saturate && value < format.positives[0].value && code === 0 && value !== format.positives[0].value && rounding !== 'up') return 255;
    return code;
  }
  if (Number.isNaN(value)) return format.nanCode;
  const negative = value < 0 || Object.is(value, -0);
  const sign = negative && format.signBit ? format.signBit : 0;
  const magnitude = Math.abs(value);
  const overflowCode = (): number => {
    if (saturate) return sign | format.positives[format.positives.length - 1].code;
    if (format.infCode !== undefined) return sign | format.infCode;
    return type === 'float4e2m1' ? sign | format.positives[format.positives.length - 1].code : format.nanCode | (format.hasNegativeZero ? sign : 0);
  };
  if (magnitude === Infinity) return overflowCode();
  const { code, overflow } = nearestCode(format, magnitude, 'even');
  if (overflow) return overflowCode();
  if (code === 0 && !format.hasNegativeZero) return 0;
  return sign | code;
}
