/**
 * The suite's results as a Markdown table (median latency per runtime, then the first
 * runtime's ratio to each other one, geometric means last) and as JSON-ready data.
 */
import type { ModelOutcome, RuntimeOutcome } from './suite.js';

export interface SuiteRunInfo {
  /** ISO 8601 time the run started. */
  readonly date: string;
  readonly threads: number;
  readonly iterations: number;
  readonly warmup: number;
  /** One line about the machine and software, e.g. CPU model, cores, Node version. */
  readonly host: string;
}

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function median(o: ModelOutcome, runtime: string): number | undefined {
  return o.runtimes.find((r) => r.runtime === runtime)?.latency?.median;
}

function ratio(o: ModelOutcome, subject: string, other: string): number | undefined {
  const [a, b] = [median(o, subject), median(o, other)];
  return a === undefined || b === undefined ? undefined : a / b;
}

function notes(o: ModelOutcome, reference: string | undefined): string[] {
  const out: string[] = [];
  for (const r of o.runtimes) {
    if (r.error) out.push(`${r.runtime} failed: ${r.error.length > 160 ? `${r.error.slice(0, 157)}...` : r.error}`);
    else if (r.outputs && !r.outputs.agrees) {
      out.push(`${r.runtime} outputs differ from ${reference}: ${r.outputs.problem ?? `max abs diff ${r.outputs.maxAbsDiff.toExponential(2)}`}`);
    }
  }
  return out;
}

function geometricMean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

function latencyCell(r: RuntimeOutcome | undefined): string {
  if (!r) return '-';
  if (r.error || !r.latency) return 'error';
  return formatMs(r.latency.median);
}

/** `runtimes` in column order; the first is the one whose ratios are shown. */
export function suiteMarkdown(outcomes: readonly ModelOutcome[], runtimes: readonly string[], info: SuiteRunInfo, reference?: string): string {
  const [subject, ...others] = runtimes;
  const header = ['Model', ...runtimes.map((r) => `${r} median ms`), ...others.map((r) => `${subject}/${r}`), 'Notes'];
  const lines = [
    `# Benchmark ${info.date}`,
    '',
    `${info.host}; ${info.threads} thread(s); ${info.iterations} timed iterations after ${info.warmup} warm-up, runtimes alternating.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '---:')).join('|')}|`,
  ];
  for (const o of outcomes) {
    const ratios = others.map((r) => ratio(o, subject, r));
    const row = [
      o.model,
      ...runtimes.map((r) => latencyCell(o.runtimes.find((x) => x.runtime === r))),
      ...ratios.map((x) => (x === undefined ? '-' : `${x.toFixed(2)}x`)),
      cell(notes(o, reference).join('; ')),
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
  const means = others.map((r) => geometricMean(outcomes.map((o) => ratio(o, subject, r)).filter((x): x is number => x !== undefined)));
  lines.push(`| geometric mean | ${runtimes.map(() => '').join(' | ')} | ${means.map((m) => (m === undefined ? '-' : `${m.toFixed(2)}x`)).join(' | ')} | |`);
  return lines.join('\n') + '\n';
}

export function suiteJson(outcomes: readonly ModelOutcome[], runtimes: readonly string[], info: SuiteRunInfo): object {
  return { ...info, runtimes, models: outcomes };
}
