/**
 * Runs the built CLI (`node dist/cli/main.js ...`) as a child process. The build is not made
 * here (npm test builds first); a dist older than the sources it is built from fails loudly
 * instead of testing stale code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const CHECKED = ['src/cli', 'src/tools'];

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourcesUnder(join(folder, e.name)) : e.name.endsWith('.ts') ? [join(folder, e.name)] : []);
}

export function checkBuilt(): void {
  for (const source of CHECKED.flatMap((f) => sourcesUnder(join(ROOT, f)))) {
    const built = join(ROOT, 'dist', relative(join(ROOT, 'src'), source)).replace(/\.ts$/, '.js');
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) {
      throw new Error(`${relative(ROOT, built)} is missing or older than its source: build first with npx tsc -p tsconfig.json`);
    }
  }
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[]): CliResult {
  const result = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, CI: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
