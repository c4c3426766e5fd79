/**
 * Entry of the NHWC module: channels-last convolution kernels and the copies around a chain
 * (transposes at its edges, strided gathers), on the GEMM module's memory, which it imports (so it carries no static data; the
 * build checks). A module of its own, not exports of the GEMM module, so that one stays small
 * enough to compile synchronously on a browser's main thread.
 */
export { nhwcDepthwise, nhwcEpilogue } from './nhwc-conv';
export { nhwcPointwise } from './nhwc-pointwise';
export { copyRuns32, gather32 } from './nhwc-gather';
export { transpose32 } from './nhwc-transpose';
