/** The Node.js entry point. */
import { nodePlatform } from './platform/node.js';
import { installPlatform } from './platform/platform.js';

installPlatform(nodePlatform);

export * from './public-api.js';
