/**
 * Turns a profile's node events into a bottleneck table: time per op type and per node, its
 * share of all kernel time, how often it ran, and GFLOP/s where the op's work is known from
 * its shapes (Conv, ConvTranspose, MatMul, Gemm, Einsum-free linear algebra).
 */
import type { TraceEvent } from '../runtime/profiler.js';

export interface ProfileRow {
  readonly name: string;
  readonly opType: string;
  readonly count: number;
  readonly totalMs: number;
  readonly share: number;
  /** Floating-point operations per call when the op's work is known. */
  readonly flops?: number;
  readonly gflops?: number;
}

export interface ProfileReport {
  readonly runs: number;
  readonly kernelMs: number;
  readonly byOpType: readonly ProfileRow[];
  readonly byNode: readonly ProfileRow[];
}

type TypeShape = Record<string, number[]>;

function shapeAt(list: unknown, i: number): number[] | undefined {
  const entry = (list as TypeShape[] | undefined)?.[i];
  return entry ? Object.values(entry)[0] : undefined;
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Multiply-adds × 2 for the ops whose cost is set by their shapes. */
export function flopsOf(event: TraceEvent): number | undefined {
  const op = event.args.op_name as string;
  const x = shapeAt(event.args.input_type_shape, 0);
  const w = shapeAt(event.args.input_type_shape, 1);
  const y = shapeAt(event.args.output_type_shape, 0);
  if (!x || !w || !y) return undefined;
  switch (op) {
    case 'Conv':
    case 'FusedConv':
      return 2 * product(y) * product(w.slice(1));
    case 'ConvTranspose':
      return 2 * product(x) * product(w.slice(1));
    case 'MatMul':
    case 'FusedMatMul':
      return 2 * product(y) * (x.length === 1 ? x[0] : x[x.length - 1]);
    case 'Gemm':
      return y.length === 2 && y[0] > 0 ? 2 * product(y) * (product(x) / y[0]) : undefined;
    default:
      return undefined;
  }
}

function rows(events: readonly TraceEvent[], keyOf: (e: TraceEvent) => string, kernelMs: number): ProfileRow[] {
  const groups = new Map<string, { opType: string; count: number; us: number; flops: number; flopsKnown: boolean }>();
  for (const e of events) {
    const key = keyOf(e);
    const g = groups.get(key) ?? { opType: e.args.op_name as string, count: 0, us: 0, flops: 0, flopsKnown: true };
    const f = flopsOf(e);
    g.count++;
    g.us += e.dur;
    if (f === undefined) g.flopsKnown = false;
    else g.flops += f;
    groups.set(key, g);
  }
  return [...groups].map(([name, g]) => ({
    name,
    opType: g.opType,
    count: g.count,
    totalMs: g.us / 1000,
    share: kernelMs > 0 ? g.us / 1000 / kernelMs : 0,
    ...(g.flopsKnown && g.flops > 0 ? { flops: g.flops / g.count, gflops: g.us > 0 ? g.flops / (g.us * 1e3) : undefined } : {}),
  })).sort((a, b) => b.totalMs - a.totalMs);
}

export function profileReport(events: readonly TraceEvent[]): ProfileReport {
  const nodes = events.filter((e) => e.cat === 'Node');
  const kernelMs = nodes.reduce((sum, e) => sum + e.dur, 0) / 1000;
  return {
    runs: events.filter((e) => e.cat === 'Session' && e.name === 'model_run').length,
    kernelMs,
    byOpType: rows(nodes, (e) => e.args.op_name as string, kernelMs),
    byNode: rows(nodes, (e) => e.name.replace(/_kernel_time$/, ''), kernelMs),
  };
}

export function formatProfileReport(report: ProfileReport, top: number): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  const line = (r: ProfileRow, label: string) =>
    `${pct(r.share)}  ${r.totalMs.toFixed(2).padStart(9)} ms  ${String(r.count).padStart(6)}  ${(r.gflops !== undefined ? r.gflops.toFixed(2) : '-').padStart(8)}  ${label}`;
  const header = ' share       total   calls   GFLOP/s  ';
  return [
    `${report.runs} run(s), ${report.kernelMs.toFixed(2)} ms in kernels`,
    '',
    `${header}op type`,
    ...report.byOpType.slice(0, top).map((r) => line(r, r.opType)),
    '',
    `${header}node`,
    ...report.byNode.slice(0, top).map((r) => line(r, `${r.name} (${r.opType})`)),
  ].join('\n');
}
