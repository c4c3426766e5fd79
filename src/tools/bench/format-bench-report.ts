/** `onnxts bench` output: the report as aligned text, or as JSON-ready data. */
import type { SessionBenchReport } from './session-benchmark.js';

export interface BenchContext {
  readonly model: string;
  readonly threads: number;
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 3 : 1)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function formatBenchReport(report: SessionBenchReport, context: BenchContext): string {
  const { latency, memory } = report;
  const lines = [
    ['model', context.model],
    ['threads', String(context.threads)],
    ['create', ms(report.createMs)],
    ['first run', ms(report.firstRunMs)],
    ['latency', `median ${ms(latency.median)}, p90 ${ms(latency.p90)}, min ${ms(latency.min)} (${latency.count} runs after ${report.warmup} warm-up)`],
  ];
  if (memory) {
    lines.push(['memory', `peak RSS ${mb(memory.peakRssBytes)}, heap used ${mb(memory.peakHeapUsedBytes)}, array buffers ${mb(memory.peakArrayBuffersBytes)}`]);
  }
  return lines.map(([label, text]) => `${label.padEnd(10)} ${text}\n`).join('');
}

export function benchReportJson(report: SessionBenchReport, context: BenchContext): object {
  return { ...context, ...report };
}
