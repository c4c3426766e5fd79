/**
 * Where one run's kernels get output storage (KernelContext.allocate) and how the executor
 * tells it which values frame slots hold, so storage is known free once no value refers to
 * it. Storage is matched to values by identity of what backs it, never by slot, because
 * values alias: Reshape, Identity or a subgraph hand back the same storage, Split or Slice a
 * subarray of it, a sequence holds tensors.
 *
 * RecordingMemory serves the first run with an input-shape signature from ordinary arrays and
 * records every allocation's size, last use, (at elementwise steps) the dying inputs it
 * could have overwritten and (for a joined result) which allocations its parts are; ArenaMemory
 * serves later runs from the arena laid out from that record, and checks as it goes that a
 * range it hands out is not still referred to (data-dependent shapes, another branch taken),
 * but by parts of a joined result already in their places: where it is, or the request is
 * larger than planned, that allocation gets storage of its own.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { slotsPerElement, storageConstructorOf, type DataType, type TensorStorage } from '../../tensor/element-type.js';
import { sizeOf, type Shape } from '../../tensor/shape.js';
import type { Value } from '../../tensor/value.js';
import { layoutAllocations, type ActivationLayout, type ArenaRange, type JoinedPart, type RecordedAllocation } from './activation-layout.js';
import { liesAt, partBytes } from '../../kernels/support/joined-parts.js';
import { ArenaViews, type TypedArrayConstructor } from './arena-views.js';
import { copyTensorsWhere, forEachTensor } from './value-storage.js';

export interface RunMemory {
  /**
   * `step` is about to run; `dying` are the values frame slots let go of after it. With
   * `inPlace` (an elementwise op, which computes output element i from input element i before
   * writing it) an output may take over the storage of a dying input of its size.
   */
  beginStep(step: number, inPlace: boolean, dying: readonly Value[]): void;
  allocate(step: number, ordinal: number, type: DataType, dims: Shape): DenseTensor;
  /** allocate() for a result that is `parts` end to end (KernelContext.allocateJoined). */
  allocateJoined(step: number, ordinal: number, type: DataType, dims: Shape, parts: readonly DenseTensor[]): DenseTensor;
  /** A frame slot now holds `value` (a step's output). */
  hold(value: Value): void;
  /** A frame slot let go of `value` after `step` (its last reader). */
  drop(value: Value, step: number): void;
  /** `step` has run and its outputs are held: what it allocated and nothing holds is free. */
  endStep(step: number): void;
  /** The run's outputs with nothing in them pointing into the arena. */
  finish(outputs: readonly (Value | undefined)[]): (Value | undefined)[];
}

/** Bytes of storage a tensor of this type and shape takes; undefined for types the arena does not hold (strings) and empty tensors. */
function storageBytes(type: DataType, dims: Shape): number | undefined {
  if (type === 'string') return undefined;
  const length = sizeOf(dims) * slotsPerElement(type);
  if (length === 0) return undefined;
  return length * typedStorageOf(type).BYTES_PER_ELEMENT;
}

function typedStorageOf(type: DataType): TypedArrayConstructor {
  return storageConstructorOf(type) as TypedArrayConstructor;
}

function fresh(type: DataType, dims: Shape): DenseTensor {
  return DenseTensor.zeros(type, dims);
}

function backingOf(storage: TensorStorage): ArrayBufferLike | undefined {
  return ArrayBuffer.isView(storage) ? storage.buffer : undefined;
}

export class RecordingMemory implements RunMemory {
  private readonly records: { step: number; ordinal: number; bytes: number; elements: number; lastStep: number; inPlaceOf?: number[]; parts?: JoinedPart[] }[] = [];
  private readonly byBacking = new Map<ArrayBufferLike, number>();
  private readonly refs: number[] = [];
  private madeThisStep: number[] = [];
  /** Whether the run got to its end, so the record is whole. */
  finished = false;
  private inPlaceCandidates: number[] | undefined;

  beginStep(_step: number, inPlace: boolean, dying: readonly Value[]): void {
    if (!inPlace) {
      this.inPlaceCandidates = undefined;
      return;
    }
    const ids = new Set<number>();
    for (const value of dying) {
      forEachTensor(value, (t) => {
        const id = this.idOf(t);
        if (id !== undefined) ids.add(id);
      });
    }
    this.inPlaceCandidates = ids.size > 0 ? [...ids] : undefined;
  }

  allocate(step: number, ordinal: number, type: DataType, dims: Shape): DenseTensor {
    const tensor = fresh(type, dims);
    const bytes = storageBytes(type, dims);
    const backing = backingOf(tensor.data);
    if (bytes === undefined || backing === undefined) return tensor;
    const id = this.records.length;
    this.records.push({ step, ordinal, bytes, elements: sizeOf(dims), lastStep: -1, inPlaceOf: this.inPlaceCandidates });
    this.refs.push(0);
    this.byBacking.set(backing, id);
    this.madeThisStep.push(id);
    return tensor;
  }

  allocateJoined(step: number, ordinal: number, type: DataType, dims: Shape, parts: readonly DenseTensor[]): DenseTensor {
    const tensor = this.allocate(step, ordinal, type, dims);
    const id = this.idOf(tensor);
    if (id === undefined) return tensor;
    const joined: JoinedPart[] = [];
    let offset = 0;
    for (const part of parts) {
      const bytes = partBytes(part);
      if (bytes === 0) continue;
      joined.push({ record: this.wholeRecordOf(part, bytes), offset });
      offset += bytes;
    }
    this.records[id].parts = joined;
    return tensor;
  }

  hold(value: Value): void {
    forEachTensor(value, (t) => {
      const id = this.idOf(t);
      if (id !== undefined) this.refs[id]++;
    });
  }

  drop(value: Value, step: number): void {
    forEachTensor(value, (t) => {
      const id = this.idOf(t);
      if (id !== undefined && --this.refs[id] === 0) this.records[id].lastStep = step;
    });
  }

  endStep(step: number): void {
    for (const id of this.madeThisStep) if (this.refs[id] === 0) this.records[id].lastStep = step;
    this.madeThisStep = [];
  }

  finish(outputs: readonly (Value | undefined)[]): (Value | undefined)[] {
    this.records.forEach((record, id) => {
      if (this.refs[id] > 0) record.lastStep = Infinity;
    });
    this.finished = true;
    return [...outputs];
  }

  /** The layout for later runs; call after finish(). */
  layout(): ActivationLayout {
    return layoutAllocations(this.records as readonly RecordedAllocation[]);
  }

  private idOf(tensor: DenseTensor): number | undefined {
    const backing = backingOf(tensor.data);
    return backing && this.byBacking.get(backing);
  }

  /** The allocation whose whole storage `part` is; -1 where it is none (a graph input, a constant, a slice). */
  private wholeRecordOf(part: DenseTensor, bytes: number): number {
    const id = this.idOf(part);
    const data = part.data as ArrayBufferView;
    return id !== undefined && data.byteOffset === 0 && this.records[id].bytes === bytes ? id : -1;
  }
}

/** An arena's bytes: [base, base + layout.totalBytes) of `buffer`. */
export interface ArenaBytes {
  readonly buffer: ArrayBuffer;
  readonly base: number;
}

/** How many allocations a run served from its arena and on their own. */
export interface ArenaCounts {
  fromArena: number;
  onTheirOwn: number;
}

interface LiveEntry {
  readonly offset: number;
  readonly end: number;
  readonly elements: number;
  refs: number;
  /** Whether nothing refers to it any more: `live` may still list it, but it no longer counts. */
  gone: boolean;
  /** References the running step's dying values hold (beginStep of an in-place step). */
  dyingRefs: number;
}

/** Removed entries `live` may hold before it is compacted (and at least half of it). */
const COMPACT_AFTER = 16;

export class ArenaMemory implements RunMemory {
  /**
   * Allocations handed out, oldest first: [offset, end) in the arena, and references. Entries
   * nothing refers to any more are marked gone and left in place until they are many (removing
   * each from the middle of the array cost more than a tiny kernel's work).
   */
  private live: LiveEntry[] = [];
  private goneInLive = 0;
  /** This run's entry per allocation of the layout (ArenaRange.index), found from a view through `views`. */
  private readonly entries: (LiveEntry | undefined)[] = [];
  /** Entries whose dyingRefs the running step set: the first dyingCount of the array. */
  private readonly dying: LiveEntry[] = [];
  private dyingCount = 0;
  /** Entries the running step allocated, the first madeCount of the array: the ones endStep frees where nothing holds them. */
  private readonly madeThisStep: LiveEntry[] = [];
  private madeCount = 0;
  readonly counts: ArenaCounts = { fromArena: 0, onTheirOwn: 0 };

  /**
   * `views`: the arena's views from earlier runs (a fresh set where absent). Views tell the exact
   * array an allocation got, so an in-place output and the input it overwrites are told apart.
   */
  constructor(
    private readonly layout: ActivationLayout,
    private readonly bytes: ArenaBytes,
    private readonly views: ArenaViews = new ArenaViews(),
  ) {}

  beginStep(_step: number, inPlace: boolean, dying: readonly Value[]): void {
    for (let i = 0; i < this.dyingCount; i++) this.dying[i].dyingRefs = 0;
    this.dyingCount = 0;
    if (!inPlace) return;
    for (const value of dying) {
      if (value.kind === 'tensor') this.markDying(value);
      else forEachTensor(value, (t) => this.markDying(t));
    }
  }

  private markDying(tensor: DenseTensor): void {
    const entry = this.entryOf(tensor);
    if (entry && entry.dyingRefs++ === 0) this.dying[this.dyingCount++] = entry;
  }

  allocate(step: number, ordinal: number, type: DataType, dims: Shape): DenseTensor {
    const bytes = storageBytes(type, dims);
    const range = bytes === undefined ? undefined : this.layout.rangeOf(step, ordinal);
    const elements = sizeOf(dims);
    if (bytes === undefined || range === undefined || bytes > range.bytes || !this.isFree(range, bytes, elements)) {
      this.counts.onTheirOwn++;
      return fresh(type, dims);
    }
    return this.take(range, bytes, elements, type, dims);
  }

  allocateJoined(step: number, ordinal: number, type: DataType, dims: Shape, parts: readonly DenseTensor[]): DenseTensor {
    const bytes = storageBytes(type, dims);
    const range = bytes === undefined ? undefined : this.layout.rangeOf(step, ordinal);
    if (bytes === undefined || range === undefined || bytes > range.bytes || !this.isFreeAround(range, bytes, parts)) {
      this.counts.onTheirOwn++;
      return fresh(type, dims);
    }
    return this.take(range, bytes, sizeOf(dims), type, dims);
  }

  private take(range: ArenaRange, bytes: number, elements: number, type: DataType, dims: Shape): DenseTensor {
    this.counts.fromArena++;
    const entry: LiveEntry = { offset: range.offset, end: range.offset + bytes, elements, refs: 0, gone: false, dyingRefs: 0 };
    this.live.push(entry);
    this.madeThisStep[this.madeCount++] = entry;
    this.entries[range.index] = entry;
    const Ctor = typedStorageOf(type);
    const storage = this.views.view(this.bytes.buffer, range.index, this.bytes.base + range.offset, Ctor, bytes / Ctor.BYTES_PER_ELEMENT);
    return new DenseTensor(type, dims, storage);
  }

  hold(value: Value): void {
    if (value.kind === 'tensor') {
      const entry = this.entryOf(value);
      if (entry) entry.refs++;
      return;
    }
    forEachTensor(value, (t) => {
      const entry = this.entryOf(t);
      if (entry) entry.refs++;
    });
  }

  drop(value: Value): void {
    if (value.kind === 'tensor') {
      this.release(this.entryOf(value));
      return;
    }
    forEachTensor(value, (t) => this.release(this.entryOf(t)));
  }

  endStep(): void {
    for (let i = 0; i < this.madeCount; i++) {
      const entry = this.madeThisStep[i];
      if (entry.refs === 0 && !entry.gone) this.remove(entry);
    }
    this.madeCount = 0;
  }

  finish(outputs: readonly (Value | undefined)[]): (Value | undefined)[] {
    return outputs.map((value) => value && copyTensorsWhere(value, (t) => this.inArena(t)));
  }

  /**
   * Whether nothing live overlaps the range, but for the input an in-place range takes over:
   * the same bytes and elements this time too, and every reference to it one the step lets go of.
   */
  private isFree(range: ArenaRange, bytes: number, elements: number): boolean {
    const start = range.offset;
    const end = start + bytes;
    for (const entry of this.live) {
      if (entry.gone || entry.end <= start || end <= entry.offset) continue;
      if (!(range.inPlace && entry.offset === start && entry.end === end && entry.elements === elements && entry.refs === entry.dyingRefs)) return false;
    }
    return true;
  }

  /**
   * Whether what is live in the range lies only where parts already in their places are: the
   * kernel writes the other parts' bytes, and nothing live may be there.
   */
  private isFreeAround(range: ArenaRange, bytes: number, parts: readonly DenseTensor[]): boolean {
    const start = range.offset;
    const end = start + bytes;
    const at = this.bytes.base + start;
    const written: number[] = [];
    let offset = start;
    for (const part of parts) {
      const partEnd = offset + partBytes(part);
      if (partEnd > offset && !liesAt(part.data, this.bytes.buffer, at + offset - start)) written.push(offset, partEnd);
      offset = partEnd;
    }
    if (written.length === 0) return true;
    for (const entry of this.live) {
      if (entry.gone || entry.end <= start || end <= entry.offset) continue;
      for (let i = 0; i < written.length; i += 2) if (entry.offset < written[i + 1] && written[i] < entry.end) return false;
    }
    return true;
  }

  private release(entry: LiveEntry | undefined): void {
    if (entry && --entry.refs === 0) this.remove(entry);
  }

  private remove(entry: LiveEntry): void {
    entry.gone = true;
    if (++this.goneInLive >= COMPACT_AFTER && this.goneInLive * 2 >= this.live.length) {
      // Order in `live` only matters to entryOf's newest-first search, which this keeps.
      this.live = this.live.filter((e) => !e.gone);
      this.goneInLive = 0;
    }
  }

  private inArena(tensor: DenseTensor): boolean {
    const data = tensor.data;
    if (!ArrayBuffer.isView(data) || data.buffer !== this.bytes.buffer) return false;
    const at = data.byteOffset - this.bytes.base;
    return at >= 0 && at < this.layout.totalBytes;
  }

  /** The live entry whose storage `tensor` uses: by identity, else (a subarray) the newest whose range holds its start. */
  private entryOf(tensor: DenseTensor): LiveEntry | undefined {
    const index = this.views.indexOf(tensor.data);
    const exact = index === undefined ? undefined : this.entries[index];
    if (exact) return exact.gone ? undefined : exact;
    if (!this.inArena(tensor)) return undefined;
    const at = (tensor.data as ArrayBufferView).byteOffset - this.bytes.base;
    for (let i = this.live.length - 1; i >= 0; i--) {
      const entry = this.live[i];
      if (!entry.gone && entry.offset <= at && at < entry.end) return entry;
    }
    return undefined;
  }
}
