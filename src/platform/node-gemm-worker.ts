/** Entry script of a Node worker thread that helps the parallel GEMM (backends/threads/gemm-pool.ts). */
import { serveGemmHelper } from '../backends/threads/gemm-helper.js';
import { nodeEndpoint } from './node-worker-endpoint.js';

serveGemmHelper(nodeEndpoint());
