/** File-system helpers for the CLI and tools, kept here so only platform/ imports node:fs. */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export { basename, dirname, join, resolve };

export async function readBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

export async function writeBytes(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}

export async function listFolder(path: string): Promise<string[]> {
  return (await readdir(path)).sort();
}

export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}

export function fileSize(path: string): number {
  return statSync(path).size;
}

export function isTerminal(stream: 'stdout' | 'stderr'): boolean {
  return Boolean(process[stream].isTTY);
}
