/**
 * The activation arenas of one compiled model: per input-shape signature, the layout the first
 * run with those shapes recorded, and arenas laid out by it that later runs take and give back.
 * Runs at the same time each take their own arena (a pool per signature), so concurrent runs
 * on one session never share storage. Arenas live in the WebAssembly GEMM's heap where it has
 * room without growing during someone's run, in an ordinary ArrayBuffer otherwise.
 */
import type { HeapRegion, WasmHeap } from '../../backends/wasm/wasm-heap.js';
import type { Value } from '../../tensor/value.js';
import type { ActivationLayout } from './activation-layout.js';
import { ArenaViews } from './arena-views.js';
import { ArenaMemory, RecordingMemory, type ArenaBytes, type RunMemory } from './run-memory.js';
import { forEachTensor } from './value-storage.js';

/** Signatures kept at once; the least recently used one's arenas go back to the heap beyond this. */
const MAX_SIGNATURES = 4;

interface Arena {
  /** Where the arena lies in a heap, and which. */
  readonly region?: HeapRegion;
  readonly heap?: WasmHeap;
  /** The ArrayBuffer an arena outside the heap has; heap arenas read the heap's current buffer per run. */
  readonly own?: ArrayBuffer;
  /** The views its runs handed out, for the next run to hand out again. */
  readonly views: ArenaViews;
}

interface SignatureArenas {
  layout?: ActivationLayout;
  /** Whether a run is recording this signature now (others run without an arena meanwhile). */
  recording: boolean;
  readonly idle: Arena[];
  evicted: boolean;
}

/** One run's use of the arenas: its memory for the executor, and close() when it is over. */
export interface ArenaLease {
  readonly memory: RunMemory;
  close(): void;
}

/** What the arenas have done so far: how many layouts and arenas were made, and how allocations were served. */
export interface ArenaStats {
  layouts: number;
  /** Bytes the layouts span, and would span without reuse (summed over layouts). */
  layoutBytes: number;
  layoutBytesWithoutReuse: number;
  arenas: number;
  /** Of them, arenas in the WebAssembly heap. */
  heapArenas: number;
  fromArena: number;
  onTheirOwn: number;
}

export class ActivationArenas {
  private readonly signatures = new Map<string, SignatureArenas>();
  private disposed = false;
  readonly stats: ArenaStats = { layouts: 0, layoutBytes: 0, layoutBytesWithoutReuse: 0, arenas: 0, heapArenas: 0, fromArena: 0, onTheirOwn: 0 };

  constructor(private readonly heap: () => WasmHeap | undefined) {}

  /** Memory for a run with these feeds; undefined where the run goes without an arena. */
  open(inputSlots: readonly number[], feeds: ReadonlyMap<number, Value>): ArenaLease | undefined {
    if (this.disposed) return undefined;
    const signature = signatureOf(inputSlots, feeds);
    let entry = this.signatures.get(signature);
    if (entry) {
      this.signatures.delete(signature);
      this.signatures.set(signature, entry);
    } else {
      entry = { recording: false, idle: [], evicted: false };
      this.signatures.set(signature, entry);
      this.evictBeyondLimit();
    }
    const layout = entry.layout;
    if (layout === undefined) return entry.recording ? undefined : this.record(entry);
    if (layout.placed === 0) return undefined;
    return this.replay(entry, layout);
  }

  /** Gives every idle arena back to the heap; runs in flight give theirs back when they close. */
  dispose(): void {
    this.disposed = true;
    for (const entry of this.signatures.values()) this.evict(entry);
    this.signatures.clear();
  }

  private record(entry: SignatureArenas): ArenaLease {
    entry.recording = true;
    const memory = new RecordingMemory();
    return {
      memory,
      close: () => {
        entry.recording = false;
        if (!memory.finished) return;
        const layout = memory.layout();
        entry.layout = layout;
        this.stats.layouts++;
        this.stats.layoutBytes += layout.totalBytes;
        this.stats.layoutBytesWithoutReuse += layout.bytesWithoutReuse;
      },
    };
  }

  private replay(entry: SignatureArenas, layout: ActivationLayout): ArenaLease {
    const arena = entry.idle.pop() ?? this.newArena(layout.totalBytes);
    const { heap, region } = arena;
    heap?.begin();
    const bytes: ArenaBytes = heap && region ? { buffer: heap.buffer, base: region.byteOffset } : { buffer: arena.own as ArrayBuffer, base: 0 };
    const memory = new ArenaMemory(layout, bytes, arena.views);
    return {
      memory,
      close: () => {
        heap?.end();
        this.stats.fromArena += memory.counts.fromArena;
        this.stats.onTheirOwn += memory.counts.onTheirOwn;
        if (entry.evicted || this.disposed) this.release(arena);
        else entry.idle.push(arena);
      },
    };
  }

  private newArena(bytes: number): Arena {
    const heap = this.heap();
    const region = heap?.reserveRegion(bytes);
    this.stats.arenas++;
    if (region) this.stats.heapArenas++;
    return heap && region ? { region, heap, views: new ArenaViews() } : { own: new ArrayBuffer(bytes), views: new ArenaViews() };
  }

  private release(arena: Arena): void {
    if (arena.region) arena.heap?.releaseRegion(arena.region);
  }

  private evict(entry: SignatureArenas): void {
    entry.evicted = true;
    for (const arena of entry.idle.splice(0)) this.release(arena);
  }

  private evictBeyondLimit(): void {
    while (this.signatures.size > MAX_SIGNATURES) {
      const [oldest, entry] = this.signatures.entries().next().value as [string, SignatureArenas];
      this.signatures.delete(oldest);
      this.evict(entry);
    }
  }
}

/** Element types and shapes of every tensor fed, input by input (built by concatenation: it runs once per run()). */
function signatureOf(inputSlots: readonly number[], feeds: ReadonlyMap<number, Value>): string {
  let signature = '';
  for (const slot of inputSlots) {
    const value = feeds.get(slot);
    if (!value) {
      signature += '-;';
      continue;
    }
    signature += value.kind;
    forEachTensor(value, (t) => {
      signature += ` ${t.type}[${t.dims.join(',')}]`;
    });
    signature += ';';
  }
  return signature;
}
