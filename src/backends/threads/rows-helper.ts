/**
 * A helper's part of a row job (parallel-rows.ts): rows [start, end) of the job, read from and
 * written to where the job names them (the shared heap, or scratch memory) by the same
 * elementwise-module functions the caller runs on its own rows, so the rows come out with the
 * same bits.
 */
import { WASM_UNARY, wasmBiasUnaryF32, wasmNormalizeRowsF32, type WasmUnaryOp } from '../wasm/elementwise-host.js';
import type { GemmControl } from './gemm-control.js';
import { RowField as F, RowTask } from './parallel-rows.js';
import type { SharedHeapView } from './shared-heap.js';

const unaryOps = Object.keys(WASM_UNARY) as WasmUnaryOp[];

/** Rows [start, end) of the current row job; false where the module did not run here (the caller then computes them). */
export function rowsBlock(control: GemmControl, scratch: Float32Array, heap: SharedHeapView | undefined, start: number, end: number): boolean {
  const { ints: f, p0, p1 } = control.readRows();
  const length = f[F.Length];
  const from = (start - f[F.FirstHelperRow]) * length;
  const to = (end - f[F.FirstHelperRow]) * length;
  const inHeap = f[F.HeapFloats] > 0;
  if (inHeap && !heap) return false;
  const rowsIn = inHeap ? heap!.covering(f[F.HeapFloats]) : scratch;
  const rowsAt = (at: number): Float32Array => rowsIn.subarray(at + from, at + to);
  const whole = (at: number): Float32Array | undefined => (at < 0 ? undefined : scratch.subarray(at, at + length));
  if (f[F.Task] === RowTask.BiasUnary) {
    const op = unaryOps.find((name) => WASM_UNARY[name] === f[F.Op]);
    return op !== undefined && wasmBiasUnaryF32(op, rowsAt(f[F.XAt]), whole(f[F.BiasAt])!, rowsAt(f[F.OutAt]), p0, p1);
  }
  const rows = end - start;
  const firstStat = f[F.StatsAt] + 4 * (start - f[F.FirstHelperRow]);
  const stats = new Float64Array(scratch.buffer, scratch.byteOffset + firstStat * 4, 2 * rows);
  const mean = new Float64Array(rows);
  const invStdDev = new Float64Array(rows);
  const ok = wasmNormalizeRowsF32({
    x: rowsAt(f[F.XAt]),
    skip: f[F.SkipAt] < 0 ? undefined : rowsAt(f[F.SkipAt]),
    bias: whole(f[F.BiasAt]),
    scale: whole(f[F.ScaleAt])!,
    beta: whole(f[F.BetaAt]),
    out: rowsAt(f[F.OutAt]),
    sum: f[F.SumAt] < 0 ? undefined : rowsAt(f[F.SumAt]),
    mean, invStdDev, length, epsilon: p0, centered: f[F.Centered] !== 0,
  });
  for (let r = 0; r < rows; r++) {
    stats[2 * r] = mean[r];
    stats[2 * r + 1] = invStdDev[r];
  }
  return ok;
}
