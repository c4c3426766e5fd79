/**
 * What the library needs from its host: reading a model and its external data by location,
 * the host's core count, and worker threads. Node and browsers each supply one
 * (platform/node.ts, platform/browser.ts); the entry points install theirs, nothing else
 * imports a host API.
 */
import type { WorkerStarter } from './worker-handle.js';

export interface Platform {
  readonly name: string;
  /** Reads a model from a file path or URL. */
  readModel(location: string): Promise<Uint8Array>;
  /**
   * Reads `length` bytes (to the end when undefined) at `offset` of the file `relative` to the
   * folder of the model at `modelLocation`. `relative` is already checked to stay inside it;
   * the platform also refuses links that lead out of it.
   */
  readExternalData(modelLocation: string, relative: string, offset: number, length: number | undefined): Promise<Uint8Array>;
  hardwareConcurrency(): number;
  /**
   * Starts a worker running onnxts (a session off the calling thread, a helper of the parallel
   * GEMM); absent where the host has no workers.
   */
  readonly startWorker?: WorkerStarter;
  /**
   * Writes a text file synchronously (profiles, from the synchronous endProfiling()); absent
   * where the host has no file system.
   */
  readonly writeTextFileSync?: (path: string, text: string) => void;
  /** Writes a file, creating its folder (optimized models); absent where the host has no file system. */
  readonly writeFile?: (path: string, data: Uint8Array | string) => Promise<void>;
}

let current: Platform | undefined;

export function installPlatform(platform: Platform): void {
  current = platform;
}

export function platform(): Platform {
  if (!current) throw new Error('no platform installed: import onnxts through its package entry point');
  return current;
}

export function isUrl(location: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(location);
}

/** Fetches a URL to bytes with an error that names the URL and the HTTP status. */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`could not fetch ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}
