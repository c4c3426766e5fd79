/**
 * Constant weights kept in one heap of the conv module. Each form a convolution derives
 * from a W that never changes (its GEMM panels, its Winograd transform, W as given for the
 * depthwise kernel) is prepared once into a region of the heap and read there by every later
 * call, on one thread or several, so a call copies no weights at all. A constant W is known by its cache
 * object (one per initializer, kernels/conv/conv.ts): when the model that holds it is released
 * and collected, so is the object, and its regions go back to the heap.
 */
import type { HeapRegion, WasmHeap } from './wasm-heap.js';

/**
 * The most bytes of weights one instance keeps: the rest of wasm32's 4 GiB stays for each
 * call's images and scratch. Past it, forms are prepared per call, as without a cache.
 */
const RESIDENT_LIMIT_BYTES = 1 << 30;

export class ResidentConvWeights {
  /** Regions by constant, then by form (its kind and the sizes it was prepared for). */
  private readonly forms = new WeakMap<object, Map<string, HeapRegion>>();
  private readonly collected = new FinalizationRegistry<HeapRegion>((region) => {
    this.heap.releaseRegion(region);
    this.bytes -= region.byteLength;
  });
  private bytes = 0;
  /** Forms refused a region while runs held the heap, so that each asks it to make room once. */
  private readonly wanted = new WeakMap<object, Set<string>>();

  constructor(private readonly heap: WasmHeap) {}

  /** Bytes of weights held now (measurement and tests). */
  get residentBytes(): number {
    return this.bytes;
  }

  /**
   * The byte address of `form` of the constant `key` stands for: found, or prepared now by
   * `prepare` into a fresh region of `floats` (it returns false where it could not). Undefined
   * where the form is not kept: over the limit, no room, or a failed preparation.
   */
  address(key: object, form: string, floats: number, prepare: (at: number) => boolean): number | undefined {
    const known = this.forms.get(key)?.get(form);
    if (known) return known.byteOffset;
    const bytes = floats * 4;
    if (this.bytes + bytes > RESIDENT_LIMIT_BYTES) return undefined;
    const region = this.heap.reserveRegion(bytes);
    if (!region) {
      this.refused(key, form, bytes);
      return undefined;
    }
    if (!prepare(region.byteOffset)) {
      this.heap.releaseRegion(region);
      return undefined;
    }
    let forms = this.forms.get(key);
    if (!forms) this.forms.set(key, (forms = new Map()));
    forms.set(form, region);
    this.bytes += region.byteLength;
    this.collected.register(key, region);
    return region.byteOffset;
  }

  private refused(key: object, form: string, bytes: number): void {
    if (!this.heap.growthHeld()) return;
    let forms = this.wanted.get(key);
    if (!forms) this.wanted.set(key, (forms = new Set()));
    if (forms.has(form)) return;
    forms.add(form);
    this.heap.wantRoom(bytes);
  }
}

const byHeap = new WeakMap<WasmHeap, ResidentConvWeights>();

/** The weights kept in `heap`, one set for every instance and host that works in it. */
export function residentWeightsOn(heap: WasmHeap): ResidentConvWeights {
  let resident = byHeap.get(heap);
  if (!resident) byHeap.set(heap, (resident = new ResidentConvWeights(heap)));
  return resident;
}
