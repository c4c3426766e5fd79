/** A progress bar on stderr when it is a terminal; silent otherwise or with --json. */
import cliProgress from 'cli-progress';
import { isTerminal } from '../platform/node-files.js';

export interface Progress {
  tick(status: Record<string, string | number>): void;
  stop(): void;
}

export function startProgress(total: number, label: string, quiet: boolean): Progress {
  if (quiet || !isTerminal('stderr') || process.env.CI) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {status}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  return {
    tick(status) {
      bar.increment(1, { status: Object.entries(status).map(([k, v]) => `${k} ${v}`).join(', ') });
    },
    stop() {
      bar.stop();
    },
  };
}
