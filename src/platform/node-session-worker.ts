/** Entry script of a Node worker thread that runs one session for remote-session.ts. */
import { serveSession } from '../runtime/threads/session-worker.js';
import { nodePlatform } from './node.js';
import { nodeEndpoint } from './node-worker-endpoint.js';
import { installPlatform } from './platform.js';

installPlatform(nodePlatform);
serveSession(nodeEndpoint());
