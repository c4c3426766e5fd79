/**
 * Entry of the conv module: float32 2-D convolution and pooling on NCHW images in this
 * module's memory. The host (src/backends/wasm/wasm-conv.ts) sets the window and activation
 * once per call, copies the image in, has it padded (padImage) where the window reaches past
 * it, calls a kernel per image and copies the output out.
 *
 * It is a module of its own, not part of the GEMM's: the GEMM stays small enough for
 * synchronous compilation on a browser's main thread, this one need not.
 */
export { heapBase } from './gemm';
export { addResidual, setActivation } from './epilogue';
export { setWindow } from './window';
export { padImage } from './pad-image';
export { flushDenormals } from './denormals';
export { setThreadScratch, threadScratchBytes } from './thread-scratch';
export { fillTapOffsets, imageSlack } from './patch-pack';
export { convImage, packWeights, packedPatchesLength, packedWeightsLength } from './implicit-gemm';
export { depthwise } from './depthwise';
export { tileCount, winogradImage, winogradScratchLength, winogradWeights, winogradWeightsLength, winogradWeightsScratchLength } from './winograd';
export { averagePool, maxPool, poolScratchLength } from './pool';
