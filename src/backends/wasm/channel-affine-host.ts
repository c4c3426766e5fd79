/**
 * A per-channel affine map (inference-mode BatchNormalization) on the elementwise WebAssembly
 * module (wasm/assembly/channel-affine.ts). x and out are addressed where they lie in the GEMM
 * heap (a run's activations); otherwise they pass through scratch in chunks of whole rows that
 * stay in cache. Returns false where the module cannot take the call and the caller runs its
 * TypeScript loop, which gives the same bits.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';

/** y[r, i] = x[r, i] * factors[c] + shifts[c] over rows of `inner` floats, row r in channel r mod factors.length. */
export interface ChannelAffine {
  readonly x: Float32Array;
  readonly out: Float32Array;
  readonly factors: Float32Array;
  readonly shifts: Float32Array;
  readonly inner: number;
}

interface ChannelAffineExports {
  channelAffine(x: number, out: number, factors: number, shifts: number, firstRow: number, rows: number, channels: number, inner: number): void;
}

/** Below this the call costs more than the TypeScript loop. */
const MIN_ELEMENTS = 64;
/** Floats copied per pass where x or out lies outside the heap: copy in, compute and copy out stay in L2. */
const CHUNK = 1 << 16;
/** Larger operands stay in TypeScript rather than grow scratch so far. */
const MAX_ELEMENTS = 1 << 24;

function run(exports: ChannelAffineExports, memory: ElementwiseMemory, a: ChannelAffine): boolean {
  const { x, out, factors, shifts, inner } = a;
  const channels = factors.length;
  const rows = x.length / inner;
  const xHere = memory.holds(x);
  const outHere = memory.holds(out);
  const bothHere = xHere && outHere;
  const chunkRows = bothHere ? rows : Math.min(Math.max(1, Math.floor(CHUNK / inner)), rows);
  const offsets = memory.scratch([channels, channels, bothHere ? 0 : chunkRows * inner]);
  if (!offsets) return false;
  const [factorsAt, shiftsAt, chunkAt] = offsets;
  const heap = memory.f32;
  heap.set(factors, factorsAt / 4);
  heap.set(shifts, shiftsAt / 4);
  for (let first = 0; first < rows; first += chunkRows) {
    const start = first * inner;
    const n = Math.min(chunkRows, rows - first) * inner;
    const xAt = xHere ? addressOf(x, start) : copyIn(heap, chunkAt, x, start, n);
    const outAt = outHere ? addressOf(out, start) : chunkAt;
    exports.channelAffine(xAt, outAt, factorsAt, shiftsAt, first, n / inner, channels, inner);
    if (!outHere) copyOut(heap, outAt, out, start, n);
  }
  traffic.operandsInPlace += +xHere + +outHere;
  return true;
}

/** The affine map `a` describes, in the module; false where it stays in TypeScript. */
export function wasmChannelAffineF32(a: ChannelAffine): boolean {
  if (a.x.length < MIN_ELEMENTS || a.x.length > MAX_ELEMENTS || a.inner === 0 || a.factors.length === 0) return false;
  // The export is declared here rather than in ElementwiseExports, which belongs to the module's general host.
  return inElementwiseModule((exports, memory) => run(exports as ElementwiseExports & ChannelAffineExports, memory, a));
}
