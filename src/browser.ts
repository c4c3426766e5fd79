/** The browser (and web worker) entry point: no Node built-ins anywhere below it. */
import { browserPlatform } from './platform/browser.js';
import { installPlatform } from './platform/platform.js';

installPlatform(browserPlatform);

export * from './public-api.js';
