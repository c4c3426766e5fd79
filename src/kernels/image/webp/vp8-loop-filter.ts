/** VP8's in-loop deblocking filters (RFC 6386 section 15), arithmetic as in libwebp's dsp/dec.c. */
import type { FilterStrength } from './vp8-header.js';
import type { Plane } from './vp8-predict.js';

const clampSigned = (v: number, limit: number): number => (v < -limit - 1 ? -limit - 1 : v > limit ? limit : v);
const clip255 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Common adjustment of p0/q0 (libwebp DoFilter2). */
function filter2(d: Uint8Array, p: number, step: number): void {
  const p1 = d[p - 2 * step];
  const p0 = d[p - step];
  const q0 = d[p];
  const q1 = d[p + step];
  const a = 3 * (q0 - p0) + clampSigned(p1 - q1, 127);
  const a1 = clampSigned((a + 4) >> 3, 15);
  const a2 = clampSigned((a + 3) >> 3, 15);
  d[p - step] = clip255(p0 + a2);
  d[p] = clip255(q0 - a1);
}

/** Subblock-edge filter touching two samples each side (DoFilter4). */
function filter4(d: Uint8Array, p: number, step: number): void {
  const p1 = d[p - 2 * step];
  const p0 = d[p - step];
  const q0 = d[p];
  const q1 = d[p + step];
  const a = 3 * (q0 - p0);
  const a1 = clampSigned((a + 4) >> 3, 15);
  const a2 = clampSigned((a + 3) >> 3, 15);
  const a3 = (a1 + 1) >> 1;
  d[p - 2 * step] = clip255(p1 + a3);
  d[p - step] = clip255(p0 + a2);
  d[p] = clip255(q0 - a1);
  d[p + step] = clip255(q1 - a3);
}

/** Macroblock-edge filter touching three samples each side (DoFilter6). */
function filter6(d: Uint8Array, p: number, step: number): void {
  const p2 = d[p - 3 * step];
  const p1 = d[p - 2 * step];
  const p0 = d[p - step];
  const q0 = d[p];
  const q1 = d[p + step];
  const q2 = d[p + 2 * step];
  const a = clampSigned(3 * (q0 - p0) + clampSigned(p1 - q1, 127), 127);
  const a1 = (27 * a + 63) >> 7;
  const a2 = (18 * a + 63) >> 7;
  const a3 = (9 * a + 63) >> 7;
  d[p - 3 * step] = clip255(p2 + a3);
  d[p - 2 * step] = clip255(p1 + a2);
  d[p - step] = clip255(p0 + a1);
  d[p] = clip255(q0 - a1);
  d[p + step] = clip255(q1 - a2);
  d[p + 2 * step] = clip255(q2 - a3);
}

function edgeActivity(d: Uint8Array, p: number, step: number): number {
  return 4 * Math.abs(d[p - step] - d[p]) + Math.abs(d[p - 2 * step] - d[p + step]);
}

function needsFilter2(d: Uint8Array, p: number, step: number, t: number, it: number): boolean {
  if (edgeActivity(d, p, step) > t) return false;
  const p3 = d[p - 4 * step], p2 = d[p - 3 * step], p1 = d[p - 2 * step], p0 = d[p - step];
  const q0 = d[p], q1 = d[p + step], q2 = d[p + 2 * step], q3 = d[p + 3 * step];
  return Math.abs(p3 - p2) <= it && Math.abs(p2 - p1) <= it && Math.abs(p1 - p0) <= it
    && Math.abs(q3 - q2) <= it && Math.abs(q2 - q1) <= it && Math.abs(q1 - q0) <= it;
}

function highEdgeVariance(d: Uint8Array, p: number, step: number, threshold: number): boolean {
  return Math.abs(d[p - 2 * step] - d[p - step]) > threshold || Math.abs(d[p + step] - d[p]) > threshold;
}

/** Filters `count` positions across one edge: `step` crosses the edge, `along` moves on it. */
function filterEdge(d: Uint8Array, p: number, step: number, along: number, count: number, limit: number, interior: number, hev: number, macroblockEdge: boolean): void {
  const t = 2 * limit + 1;
  for (let i = 0; i < count; i++, p += along) {
    if (!needsFilter2(d, p, step, t, interior)) continue;
    if (highEdgeVariance(d, p, step, hev)) filter2(d, p, step);
    else if (macroblockEdge) filter6(d, p, step);
    else filter4(d, p, step);
  }
}

function simpleEdge(d: Uint8Array, p: number, step: number, along: number, limit: number): void {
  const t = 2 * limit + 1;
  for (let i = 0; i < 16; i++, p += along) if (edgeActivity(d, p, step) <= t) filter2(d, p, step);
}

/** Filters one macroblock's left and top edges and, where `inner`, its subblock edges. */
export function filterMacroblock(type: number, strength: FilterStrength, inner: boolean, mbX: number, mbY: number, y: Plane, u: Plane, v: Plane): void {
  const { limit, interiorLimit: il, hevThreshold: hev } = strength;
  if (limit === 0) return;
  const ys = y.stride;
  const yAt = y.origin + mbY * 16 * ys + mbX * 16;
  if (type === 1) {
    if (mbX > 0) simpleEdge(y.data, yAt, 1, ys, limit + 4);
    if (inner) for (let k = 4; k < 16; k += 4) simpleEdge(y.data, yAt + k, 1, ys, limit);
    if (mbY > 0) simpleEdge(y.data, yAt, ys, 1, limit + 4);
    if (inner) for (let k = 4; k < 16; k += 4) simpleEdge(y.data, yAt + k * ys, ys, 1, limit);
    return;
  }
  const cs = u.stride;
  const cAt = u.origin + mbY * 8 * cs + mbX * 8;
  if (mbX > 0) filterEdge(y.data, yAt, 1, ys, 16, limit + 4, il, hev, true);
  if (inner) for (let k = 4; k < 16; k += 4) filterEdge(y.data, yAt + k, 1, ys, 16, limit, il, hev, false);
  if (mbY > 0) filterEdge(y.data, yAt, ys, 1, 16, limit + 4, il, hev, true);
  if (inner) for (let k = 4; k < 16; k += 4) filterEdge(y.data, yAt + k * ys, ys, 1, 16, limit, il, hev, false);
  for (const plane of [u, v]) {
    if (mbX > 0) filterEdge(plane.data, cAt, 1, cs, 8, limit + 4, il, hev, true);
    if (inner) filterEdge(plane.data, cAt + 4, 1, cs, 8, limit, il, hev, false);
  }
  for (const plane of [u, v]) {
    if (mbY > 0) filterEdge(plane.data, cAt, cs, 1, 8, limit + 4, il, hev, true);
    if (inner) filterEdge(plane.data, cAt + 4 * cs, cs, 1, 8, limit, il, hev, false);
  }
}
