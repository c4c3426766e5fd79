/** The browser (and worker, Deno-in-browser-mode) platform: everything is a URL. */
import { createBrowserWorkerStarter } from './browser-worker-host.js';
import { fetchBytes, type Platform } from './platform.js';

export const browserPlatform: Platform = {
  name: 'browser',
  readModel: (location) => fetchBytes(location),
  async readExternalData(modelLocation, relative, offset, length) {
    const url = new URL(relative, new URL(modelLocation, globalThis.location?.href)).href;
    const bytes = await fetchBytes(url);
    const end = length === undefined ? bytes.length : offset + length;
    if (end > bytes.length) throw new Error(`external data ${relative} is ${bytes.length} bytes, need bytes ${offset} to ${end}`);
    return bytes.subarray(offset, end);
  },
  hardwareConcurrency: () => globalThis.navigator?.hardwareConcurrency ?? 1,
  startWorker: createBrowserWorkerStarter(),
};
