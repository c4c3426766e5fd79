/**
 * Constant B blocks kept packed in the helpers' own GEMM instances, so a parallel product
 * with a weight for B stages only A and C, as the one-thread path packs a weight once.
 *
 * The caller names each view of a constant B that a block multiplies (the constant, its
 * offset, stride, orientation and size) by an integer id, and remembers which helper has
 * packed it. A block with an id goes only to the helper of the same number; its B is staged
 * until that helper has finished one block with it, and not after. A helper that has lost
 * the panels (its heap was full, or it fell behind on releases) fails the block, the caller
 * computes it and forgets the helper held it, and the next call stages B again.
 *
 * When a constant is collected the caller's finalizer queues its ids, and they reach the
 * helpers through the control block's release ring with the next job: a helper's event loop
 * never turns, so it releases panels explicitly (WasmGemm.dropResident) rather than by GC.
 */
import type { WasmGemm } from '../wasm/wasm-gemm.js';
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import { NO_RESIDENT, RELEASE_RING, type GemmControl } from './gemm-control.js';

/** The caller's side: ids of constant B views, who holds them, and which were released. */
export class ResidentIds {
  private nextId = NO_RESIDENT + 1;
  private readonly ids = new WeakMap<object, Map<string, number>>();
  /** Helper numbers that keep each id's panels. */
  private readonly holders = new Map<number, Set<number>>();
  private released: number[] = [];
  private readonly finalizer = new FinalizationRegistry<Map<string, number>>((views) => {
    for (const id of views.values()) {
      this.holders.delete(id);
      this.released.push(id);
    }
  });

  /** The id of op's view of its constant B; NO_RESIDENT where B is not a constant. */
  idOf(op: GemmOperands): number {
    const key = op.constantB;
    if (key === undefined) return NO_RESIDENT;
    let views = this.ids.get(key);
    if (!views) {
      views = new Map();
      this.ids.set(key, views);
      this.finalizer.register(key, views);
    }
    const name = `${op.bOffset} ${op.ldb} ${op.transB} ${op.k} ${op.n}`;
    let id = views.get(name);
    if (id === undefined) {
      id = this.nextId++;
      views.set(name, id);
    }
    return id;
  }

  holds(id: number, helper: number): boolean {
    return this.holders.get(id)?.has(helper) ?? false;
  }

  recordHeld(id: number, helper: number): void {
    let helpers = this.holders.get(id);
    if (!helpers) this.holders.set(id, (helpers = new Set()));
    helpers.add(helper);
  }

  forget(id: number, helper: number): void {
    this.holders.get(id)?.delete(helper);
  }

  /** Ids released since the last call, to pass to the helpers. */
  takeReleased(): number[] {
    const released = this.released;
    this.released = [];
    return released;
  }
}

/** A helper's side: one key object per id, as WasmGemm keeps panels by object. */
export class HelperResidents {
  private readonly keys = new Map<number, object>();
  private releasedSeen = 0;

  constructor(private readonly gemm: WasmGemm) {}

  /** The key of an id's panels, made on first use. */
  keyOf(id: number): object {
    let key = this.keys.get(id);
    if (!key) this.keys.set(id, (key = {}));
    return key;
  }

  /** Drops the panels of every id released since the last call (all of them, if this helper fell behind the ring). */
  applyReleases(control: GemmControl): void {
    const total = control.releasedCount();
    if (total === this.releasedSeen) return;
    if (total - this.releasedSeen > RELEASE_RING) {
      this.dropAll();
    } else {
      for (let i = this.releasedSeen; i < total; i++) this.drop(control.releasedId(i));
      // The caller wrote past what was read meanwhile: what was read may be wrong ids.
      if (control.releasedCount() - this.releasedSeen > RELEASE_RING) this.dropAll();
    }
    this.releasedSeen = total;
  }

  private drop(id: number): void {
    const key = this.keys.get(id);
    if (!key) return;
    this.keys.delete(id);
    this.gemm.dropResident(key);
  }

  private dropAll(): void {
    for (const id of [...this.keys.keys()]) this.drop(id);
  }
}
