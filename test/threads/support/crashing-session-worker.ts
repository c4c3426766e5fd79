/** A session worker that exits (code 3) when it receives 'die', to test a worker that dies with work pending. */
import { nodeEndpoint } from '../../../src/platform/node-worker-endpoint.js';
import { nodePlatform } from '../../../src/platform/node.js';
import { installPlatform } from '../../../src/platform/platform.js';
import { serveSession } from '../../../src/runtime/threads/session-worker.js';

installPlatform(nodePlatform);
const endpoint = nodeEndpoint();
serveSession({
  postMessage: (message, transfer) => endpoint.postMessage(message, transfer),
  onMessage: (listener) =>
    endpoint.onMessage((message) => {
      if (message === 'die') process.exit(3);
      listener(message);
    }),
});
