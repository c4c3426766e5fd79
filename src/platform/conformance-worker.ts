/** Worker thread that runs conformance test folders one at a time for the pool in conformance-pool.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { env } from '../config/env.js';
import type { OptimizationLevel } from '../optimizer/optimize-model.js';
import { runTestFolder } from '../conformance/test-case.js';
import { installPlatform } from './platform.js';
import { nodePlatform } from './node.js';
import { join, listFolder, readBytes } from './node-files.js';

installPlatform(nodePlatform);
const options = workerData as { wasm?: boolean; level?: OptimizationLevel } | null;
if (options?.wasm === false) env.wasm.simd = false;
const compileOptions = { graphOptimizationLevel: options?.level ?? 'all' };

parentPort?.on('message', async (dir: string) => {
  try {
    const outcome = await runTestFolder({
      list: (relative) => listFolder(join(dir, relative)),
      read: (relative) => readBytes(join(dir, relative)),
      modelLocation: join(dir, 'model.onnx'),
    }, undefined, undefined, compileOptions);
    parentPort?.postMessage({ dir, ...outcome });
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    parentPort?.postMessage({ dir, passed: false, reason: message.split('\n')[0] });
  }
});
