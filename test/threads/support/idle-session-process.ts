/**
 * Run as its own process: creates a session in a worker, runs it once, prints the output and
 * returns without release(). The process must still exit, as it would with an in-thread session.
 */
import { pathToFileURL } from 'node:url';
import { createNodeWorkerStarter } from '../../../src/platform/node-worker-host.js';
import { RemoteSession } from '../../../src/runtime/threads/remote-session.js';
import { Tensor } from '../../../src/api/tensor.js';
import { buildModel } from '../../support/model-builder.js';

const bytes = buildModel({
  nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
  inputs: [{ name: 'x', type: 'float32', shape: [3] }],
  outputs: [{ name: 'y', type: 'float32', shape: [3] }],
});
const start = createNodeWorkerStarter(new URL('./', pathToFileURL(process.argv[1])));
const session = await RemoteSession.create(start, { bytes, externalData: [] }, {}, 1);
const { y } = await session.run({ x: new Tensor('float32', Float32Array.from([-1, 0, 2]), [3]) }, undefined, undefined);
console.log(JSON.stringify(Array.from((y as Tensor).data as Float32Array)));
