/** Entry script of a Web Worker that runs one session for remote-session.ts (bundled as onnxts-session-worker.js). */
import { serveSession } from '../runtime/threads/session-worker.js';
import { browserPlatform } from './browser.js';
import { browserEndpoint } from './browser-worker-endpoint.js';
import { installPlatform } from './platform.js';

installPlatform(browserPlatform);
serveSession(browserEndpoint());
