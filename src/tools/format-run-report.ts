/** A RunReport as the lines `onnxts run` prints, or as the object `onnxts run --json` prints. */
import { formatShape, sizeOf } from '../tensor/shape.js';
import type { RunReport } from './run-model.js';
import { FIRST_VALUES, type SummaryScalar, type ValueSummary } from './value-summary.js';

/** Six significant digits: enough to compare by eye, short enough for one line. */
export function formatScalar(v: SummaryScalar): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function describeOutput(o: ValueSummary): string {
  switch (o.kind) {
    case 'sequence':
      return `sequence of ${o.length}`;
    case 'map':
      return `map of ${o.size}`;
    case 'none':
      return 'none (an empty optional)';
    case 'tensor': {
      const parts = [`${o.type}${formatShape(o.shape)}`];
      if (o.min !== undefined && o.max !== undefined && o.mean !== undefined) {
        parts.push(`min ${formatScalar(o.min)} max ${formatScalar(o.max)} mean ${formatScalar(o.mean)}`);
      }
      if (o.nanCount) parts.push(`${o.nanCount} NaN`);
      parts.push(`[${o.first.map(formatScalar).join(', ')}${sizeOf(o.shape) > FIRST_VALUES ? ', ...' : ''}]`);
      return parts.join('  ');
    }
  }
}

/** `files` maps output names to the files they were written to. */
export function formatRunReport(report: RunReport, files: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [];
  for (const i of report.inputs) {
    const source = i.source === 'random' ? `random (seed ${report.seed})` : i.source;
    const converted = i.convertedFrom ? ` (widened from ${i.convertedFrom})` : '';
    lines.push(`input  ${i.name}  ${i.type}${formatShape(i.shape)}  ${source}${converted}`);
  }
  for (const o of report.outputs) {
    const file = files.get(o.name);
    lines.push(`output ${o.name}  ${describeOutput(o)}${file ? `  -> ${file}` : ''}`);
  }
  lines.push(`run time ${report.runMs.toFixed(2)} ms`);
  return lines.join('\n') + '\n';
}

export function runReportJson(report: RunReport, files: ReadonlyMap<string, string> = new Map()): object {
  return {
    inputs: report.inputs,
    outputs: report.outputs.map((o) => (files.has(o.name) ? { ...o, file: files.get(o.name) } : o)),
    seed: report.seed,
    runMs: report.runMs,
  };
}
