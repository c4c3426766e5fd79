/**
 * Entry of the NHWC module: channels-last convolution kernels on the GEMM module's memory,
 * which it imports (so it carries no static data; the build checks). A module of its own, not
 * exports of the GEMM module, so that one stays small enough to compile synchronously on a
 * browser's main thread.
 */
export { nhwcDepthwise, nhwcEpilogue } from './nhwc-conv';
