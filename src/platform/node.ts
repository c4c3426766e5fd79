/** The Node.js platform: files through node:fs, URLs through fetch. */
import { writeFileSync } from 'node:fs';
import { mkdir, open, readFile, realpath, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, relative as relativePath, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelLoadError } from '../errors/errors.js';
import { createNodeWorkerStarter } from './node-worker-host.js';
import { fetchBytes, isUrl, type Platform } from './platform.js';

function toPath(location: string): string {
  return location.startsWith('file://') ? fileURLToPath(location) : location;
}

async function readModel(location: string): Promise<Uint8Array> {
  if (isUrl(location) && !location.startsWith('file://')) return fetchBytes(location);
  const path = toPath(location);
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new ModelLoadError('unreadable', `cannot read model '${location}': ${why}`, { cause: error });
  }
}

async function readExternalData(modelLocation: string, relative: string, offset: number, length: number | undefined): Promise<Uint8Array> {
  if (isUrl(modelLocation) && !modelLocation.startsWith('file://')) {
    const bytes = await fetchBytes(new URL(relative, modelLocation).href);
    return bytes.subarray(offset, length === undefined ? undefined : offset + length);
  }
  const folder = await realpath(dirname(resolve(toPath(modelLocation))));
  const target = resolve(folder, relative);
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    throw new ModelLoadError('external-data', `external data file '${relative}' (next to the model) cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const inside = relativePath(folder, real);
  if (inside === '' || inside.startsWith('..' + sep) || inside === '..' || isAbsolute(inside)) {
    throw new ModelLoadError('external-data', `external data file '${relative}' is a link that leads outside the model's folder; refused`);
  }
  const handle = await open(real, 'r');
  try {
    const { size } = await handle.stat();
    const end = length === undefined ? size : offset + length;
    if (offset > size || end > size) {
      throw new ModelLoadError('external-data', `external data file '${relative}' is ${size} bytes, but a tensor needs bytes ${offset} to ${end}`);
    }
    const bytes = new Uint8Array(end - offset);
    let done = 0;
    while (done < bytes.length) {
      const { bytesRead } = await handle.read(bytes, done, bytes.length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

export const nodePlatform: Platform = {
  name: 'node',
  readModel,
  readExternalData,
  hardwareConcurrency: () => availableParallelism(),
  startWorker: createNodeWorkerStarter(),
  writeTextFileSync: (path, text) => writeFileSync(path, text),
  async writeFile(path, data) {
    await mkdir(dirname(resolve(path)), { recursive: true });
    await writeFile(path, data);
  },
};
