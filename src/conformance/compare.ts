/**
 * Compares a produced value with an expected one the way the ONNX backend tests do
 * (numpy.testing.assert_allclose: |actual - expected| <= atol + rtol * |expected|, NaN equal
 * to NaN), after checking kind, element type and shape. Returns why they differ, or undefined.
 */
import { computeValues } from '../kernels/support/numeric.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import type { Value } from '../tensor/value.js';

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

export const BACKEND_TEST_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-7 };

function compareTensors(expected: DenseTensor, actual: DenseTensor, tol: Tolerance, where: string): string | undefined {
  if (expected.type !== actual.type) return `${where}: element type ${actual.type}, expected ${expected.type}`;
  if (!sameShape(expected.dims, actual.dims)) {
    return `${where}: shape ${formatShape(actual.dims)}, expected ${formatShape(expected.dims)}`;
  }
  if (expected.type === 'string') {
    const e = expected.data as string[];
    const a = actual.data as string[];
    const i = e.findIndex((v, k) => v !== a[k]);
    return i < 0 ? undefined : `${where}: element ${i} is ${JSON.stringify(a[i])}, expected ${JSON.stringify(e[i])}`;
  }
  const e = computeValues(expected);
  const a = computeValues(actual);
  let mismatches = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    const ev = Number(e[i]);
    const av = Number(a[i]);
    if (typeof e[i] === 'bigint' && e[i] === a[i]) continue;
    if (ev === av || (Number.isNaN(ev) && Number.isNaN(av))) continue;
    const diff = Math.abs(av - ev);
    if (diff <= tol.atol + tol.rtol * Math.abs(ev)) continue;
    mismatches++;
    if (first < 0) first = i;
    worst = Math.max(worst, Number.isNaN(diff) ? Infinity : diff);
  }
  if (mismatches === 0) return undefined;
  return `${where}: ${mismatches} of ${e.length} elements differ (first at ${first}: got ${a[first]}, expected ${e[first]}; max abs diff ${worst})`;
}

export function compareValues(expected: Value, actual: Value | undefined, tol: Tolerance, where: string): string | undefined {
  if (actual === undefined) return `${where}: no value produced`;
  if (expected.kind !== actual.kind) {
    // A test may store an optional's content directly; unwrap a present optional to compare.
    if (actual.kind === 'optional' && actual.value) return compareValues(expected, actual.value, tol, where);
    if (expected.kind === 'optional' && expected.value) return compareValues(expected.value, actual, tol, where);
    return `${where}: got a ${actual.kind}, expected a ${expected.kind}`;
  }
  switch (expected.kind) {
    case 'tensor':
      return compareTensors(expected, actual as DenseTensor, tol, where);
    case 'sequence': {
      const a = actual as typeof expected;
      if (a.elements.length !== expected.elements.length) {
        return `${where}: sequence of ${a.elements.length} elements, expected ${expected.elements.length}`;
      }
      for (let i = 0; i < expected.elements.length; i++) {
        const r = compareValues(expected.elements[i], a.elements[i], tol, `${where}[${i}]`);
        if (r) return r;
      }
      return undefined;
    }
    case 'optional': {
      const a = actual as typeof expected;
      if ((expected.value === null) !== (a.value === null)) {
        return `${where}: optional is ${a.value === null ? 'empty' : 'present'}, expected ${expected.value === null ? 'empty' : 'present'}`;
      }
      return expected.value === null ? undefined : compareValues(expected.value, a.value ?? undefined, tol, where);
    }
    case 'map': {
      const a = actual as typeof expected;
      if (a.entries.size !== expected.entries.size) return `${where}: map of ${a.entries.size} entries, expected ${expected.entries.size}`;
      for (const [k, v] of expected.entries) {
        const r = compareValues(v, a.entries.get(k), tol, `${where}[${String(k)}]`);
        if (r) return r;
      }
      return undefined;
    }
  }
}
