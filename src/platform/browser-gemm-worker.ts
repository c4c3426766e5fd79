/** Entry script of a Web Worker that helps the parallel GEMM (bundled as onnxts-gemm-worker.js). */
import { serveGemmHelper } from '../backends/threads/gemm-helper.js';
import { browserEndpoint } from './browser-worker-endpoint.js';

serveGemmHelper(browserEndpoint());
