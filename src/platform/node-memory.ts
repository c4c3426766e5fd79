/** Process memory on Node, for benchmarks: current heap and ArrayBuffer use, and the resident-set high-water mark. */

export function processMemory(): { heapUsedBytes: number; arrayBuffersBytes: number } {
  const usage = process.memoryUsage();
  return { heapUsedBytes: usage.heapUsed, arrayBuffersBytes: usage.arrayBuffers };
}

/** The process's peak resident set so far (maxRSS is in kilobytes on every platform Node supports). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
