/** The public `env`: defined in config/ so that backends below the API can read it too. */
export { env, VERSION, type Env } from '../config/env.js';
