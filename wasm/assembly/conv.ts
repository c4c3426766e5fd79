/**
 * Entry of the conv module: float32 2-D convolution and pooling on NCHW images in the memory
 * it imports: the GEMM heap's, where a run's activations live, or a shared memory its threads
 * work in. The host (src/backends/wasm/wasm-conv.ts) sets the window and activation once per
 * call, has each image padded (padImage) where the window reaches past it, and calls a kernel
 * per image, on operands where they lie in the memory or on copies where they do not.
 *
 * It is a module of its own, not part of the GEMM's: the GEMM stays small enough for
 * synchronous compilation on a browser's main thread, this one need not. It carries no static
 * data (the build checks), so instantiating it writes nothing into the memory it is given.
 */

/** Where static data would end: the host places nothing below it. */
export function heapBase(): usize {
  return __heap_base;
}

export { addResidual, setActivation } from './epilogue';
export { setWindow } from './window';
export { padImage } from './pad-image';
export { flushDenormals } from './denormals';
export { setThreadScratch, threadScratchBytes } from './thread-scratch';
export { fillTapOffsets, imageSlack } from './patch-pack';
export { convImage, packWeights, packedPatchesLength, packedWeightsLength } from './implicit-gemm';
export { depthwise, depthwisePadded } from './depthwise';
export {
  tileCount, winogradImage, winogradInput, winogradInputLength, winogradProducts, winogradProductsLength, winogradScratchLength,
  winogradWeights, winogradWeightsLength, winogradWeightsScratchLength,
} from './winograd';
export { averagePool, maxPool, poolScratchLength } from './pool';
export { gemvPackedColumns } from './gemv';
export { packSmallChannelWeights, smallChannelConv, smallChannelWeightsLength, splitColumns, splitTapOffsets } from './small-channel-conv';
