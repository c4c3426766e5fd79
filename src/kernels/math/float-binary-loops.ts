/**
 * Whole-run loops of the float binary ops, one written-out loop per op and operand kind so
 * each stays monomorphic and inlines its arithmetic (see FloatBinaryLoops). Each gives the
 * same values as the op's element function.
 */
import type { FloatArray, FloatBinaryLoops } from '../support/elementwise.js';

export const addLoops: FloatBinaryLoops = {
  vv(a, ai, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i] + b[bi + i];
  },
  vs(a, ai, s, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i] + s;
  },
  sv(s, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = s + b[bi + i];
  },
};

export const subLoops: FloatBinaryLoops = {
  vv(a, ai, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i] - b[bi + i];
  },
  vs(a, ai, s, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i] - s;
  },
  sv(s, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = s - b[bi + i];
  },
};

export const mulLoops: FloatBinaryLoops = {
  vv(a, ai, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i] * b[bi + i];
  },
  vs(a, ai, s, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i] * s;
  },
  sv(s, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = s * b[bi + i];
  },
};

export const divLoops: FloatBinaryLoops = {
  vv(a, ai, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i] / b[bi + i];
  },
  vs(a, ai, s, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i] / s;
  },
  sv(s, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = s / b[bi + i];
  },
};

// Math.max/min propagate NaN, as numpy's maximum/minimum (the reference) do; V8 inlines them.
export const maxLoops: FloatBinaryLoops = {
  vv(a, ai, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.max(a[ai + i], b[bi + i]);
  },
  vs(a, ai, s, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.max(a[ai + i], s);
  },
  sv(s, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.max(s, b[bi + i]);
  },
};

export const minLoops: FloatBinaryLoops = {
  vv(a, ai, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.min(a[ai + i], b[bi + i]);
  },
  vs(a, ai, s, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.min(a[ai + i], s);
  },
  sv(s, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.min(s, b[bi + i]);
  },
};

/** PRelu(x, slope): the slope is B. */
export const preluLoops: FloatBinaryLoops = {
  vv(a, ai, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) {
      const x = a[ai + i];
      out[o + i] = x < 0 ? b[bi + i] * x : x;
    }
  },
  vs(a, ai, s, out, o, n) {
    for (let i = 0; i < n; i++) {
      const x = a[ai + i];
      out[o + i] = x < 0 ? s * x : x;
    }
  },
  sv(s, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = s < 0 ? b[bi + i] * s : s;
  },
};

/** x^y with y held at one value: squares and square roots skip Math.pow's general path. */
function powByScalar(a: FloatArray, ai: number, y: number, out: FloatArray, o: number, n: number): void {
  if (y === 2) {
    for (let i = 0; i < n; i++) {
      const x = a[ai + i];
      out[o + i] = x * x;
    }
  } else if (y === 1) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i];
  } else if (y === 0.5) {
    // Math.pow(x, 0.5) differs from sqrt only at -0 (+0) and -Infinity (+Infinity).
    for (let i = 0; i < n; i++) {
      const x = a[ai + i];
      out[o + i] = x === -Infinity ? Infinity : Math.sqrt(x + 0);
    }
  } else {
    for (let i = 0; i < n; i++) out[o + i] = Math.pow(a[ai + i], y);
  }
}

export const powLoops: FloatBinaryLoops = {
  vv(a, ai, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.pow(a[ai + i], b[bi + i]);
  },
  vs: powByScalar,
  sv(s, b, bi, out, o, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.pow(s, b[bi + i]);
  },
};
