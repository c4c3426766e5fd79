/** What a benchmark reads about memory; the platform layer supplies it (platform/node-memory.ts on Node). */
export interface MemorySample {
  readonly heapUsedBytes: number;
  /** Bytes held by ArrayBuffers (typed-array tensors live here, outside the JS heap). */
  readonly arrayBuffersBytes: number;
}

export interface MemoryProbe {
  sample(): MemorySample;
  /** The process's resident-set high-water mark so far, which catches peaks inside a run. */
  peakRssBytes(): number;
}

export interface MemoryReport {
  readonly peakRssBytes: number;
  /** Highest of the samples taken after session creation and after each run. */
  readonly peakHeapUsedBytes: number;
  readonly peakArrayBuffersBytes: number;
}

/** Keeps the highest of repeated samples. */
export class MemoryPeaks {
  private heap = 0;
  private arrayBuffers = 0;

  constructor(private readonly probe: MemoryProbe) {}

  sample(): void {
    const s = this.probe.sample();
    this.heap = Math.max(this.heap, s.heapUsedBytes);
    this.arrayBuffers = Math.max(this.arrayBuffers, s.arrayBuffersBytes);
  }

  report(): MemoryReport {
    return { peakRssBytes: this.probe.peakRssBytes(), peakHeapUsedBytes: this.heap, peakArrayBuffersBytes: this.arrayBuffers };
  }
}
