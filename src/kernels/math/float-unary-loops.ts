/**
 * Whole-array float32 loops of the unary ops and activations (see Float32UnaryLoop). Those the
 * elementwise WebAssembly module has run there when it is loaded (SIMD, about twice as fast
 * for the transcendental ones and more for the cheap ones); the TypeScript loops, the
 * fallback, inline their arithmetic and use ../support/fast-math.js for e^x, tanh and erf.
 * Either gives its op's element function's value to float32 precision (a few ulps).
 */
import { wasmUnaryF32, type WasmUnaryOp } from '../../backends/wasm/elementwise-host.js';
import type { Float32UnaryLoop } from '../support/elementwise.js';
import { fastErf, fastExp, fastExpm1, fastSigmoid, fastTanh } from '../support/fast-math.js';

/** The module's form of the op where it runs, else the TypeScript loop. */
export function preferWasm(op: WasmUnaryOp, loop: Float32UnaryLoop, p0 = 0, p1 = 0): Float32UnaryLoop {
  return (x, out) => {
    if (!wasmUnaryF32(op, x, out, p0, p1)) loop(x, out);
  };
}

export const reluLoop: Float32UnaryLoop = preferWasm('relu', (x, out) => {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v > 0 ? v : 0;
  }
});

export const expLoop: Float32UnaryLoop = preferWasm('exp', (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = fastExp(x[i]);
});

export const sqrtLoop: Float32UnaryLoop = preferWasm('sqrt', (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
});

export const logLoop: Float32UnaryLoop = preferWasm('log', (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
});

export const sigmoidLoop: Float32UnaryLoop = preferWasm('sigmoid', (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = fastSigmoid(x[i]);
});

export const tanhLoop: Float32UnaryLoop = preferWasm('tanh', (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = fastTanh(x[i]);
});

export const erfLoop: Float32UnaryLoop = preferWasm('erf', (x, out) => {
  for (let i = 0; i < x.length; i++) out[i] = fastErf(x[i]);
});

/** Past these, ln(1 + e^x) is x (or e^x) to float32 precision. */
const SOFTPLUS_LINEAR = 20;

export const softplusLoop: Float32UnaryLoop = preferWasm('softplus', (x, out) => {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v > SOFTPLUS_LINEAR ? v : v < -SOFTPLUS_LINEAR ? fastExp(v) : Math.log(1 + fastExp(v));
  }
});

/** x tanh(ln(1 + e^x)) = x n / (n + 2) with n = e^x (e^x + 2), which needs no logarithm. */
export const mishLoop: Float32UnaryLoop = preferWasm('mish', (x, out) => {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const e = fastExp(v);
    const n = e * (e + 2);
    out[i] = v > SOFTPLUS_LINEAR ? v : (v * n) / (n + 2);
  }
});

export const softsignLoop: Float32UnaryLoop = preferWasm('softsign', (x, out) => {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v / (1 + Math.abs(v));
  }
});

export const hardSwishLoop: Float32UnaryLoop = preferWasm('hardSwish', (x, out) => {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v * Math.max(0, Math.min(1, v / 6 + 0.5));
  }
});

export function hardSigmoidLoop(alpha: number, beta: number): Float32UnaryLoop {
  const loop: Float32UnaryLoop = (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.max(0, Math.min(1, alpha * x[i] + beta));
  };
  return preferWasm('hardSigmoid', loop, alpha, beta);
}

export function leakyReluLoop(alpha: number): Float32UnaryLoop {
  const loop: Float32UnaryLoop = (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v < 0 ? alpha * v : v;
    }
  };
  return preferWasm('leakyRelu', loop, alpha);
}

export function eluLoop(alpha: number): Float32UnaryLoop {
  const loop: Float32UnaryLoop = (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v < 0 ? alpha * fastExpm1(v) : v;
    }
  };
  return preferWasm('elu', loop, alpha);
}

export function seluLoop(alpha: number, gamma: number): Float32UnaryLoop {
  const loop: Float32UnaryLoop = (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v > 0 ? gamma * v : gamma * alpha * fastExpm1(v);
    }
  };
  return preferWasm('selu', loop, alpha, gamma);
}

/** x sigmoid(alpha x), as Swish and QuickGelu define it. */
export function swishLoop(alpha: number): Float32UnaryLoop {
  const loop: Float32UnaryLoop = (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v / (1 + fastExp(-alpha * v));
    }
  };
  return preferWasm('swish', loop, alpha);
}

export function clipLoop(lo: number, hi: number): Float32UnaryLoop {
  const loop: Float32UnaryLoop = (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const r = v < lo ? lo : v;
      out[i] = r > hi ? hi : r;
    }
  };
  // The module holds the bounds as float32; wider ones would round, so they stay here.
  return Math.fround(lo) === lo && Math.fround(hi) === hi ? preferWasm('clip', loop, lo, hi) : loop;
}
