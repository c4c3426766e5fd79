/**
 * The typed-array views one arena hands out, kept from run to run. A layout gives every
 * allocation the same range in every run, so the view a run makes for it serves the next run
 * too: creating a typed array over a buffer costs more than a small kernel's work, and a view
 * known from earlier runs is found again without hashing a new object. Views are dropped when
 * the arena's buffer changes (the WebAssembly heap grew between runs and detached the old one).
 * Nothing outside a run keeps them: a run's outputs leave the arena as copies (ArenaMemory.finish).
 */
import type { storageConstructorOf } from '../../tensor/element-type.js';

export type TypedArrayConstructor = Exclude<ReturnType<typeof storageConstructorOf>, ArrayConstructor>;
type TypedView = InstanceType<TypedArrayConstructor>;

/** A view with what it was made for, read back without touching the typed array's own getters. */
interface KnownView {
  readonly view: TypedView;
  readonly Ctor: TypedArrayConstructor;
  readonly byteOffset: number;
  readonly length: number;
}

export class ArenaViews {
  private buffer: ArrayBufferLike | undefined;
  private known: (KnownView | undefined)[] = [];
  private indices = new Map<object, number>();

  /** A view of `length` elements at `byteOffset` of `buffer` for the layout's allocation `index`. */
  view(buffer: ArrayBufferLike, index: number, byteOffset: number, Ctor: TypedArrayConstructor, length: number): TypedView {
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.known = [];
      this.indices = new Map();
    }
    const known = this.known[index];
    if (known !== undefined) {
      if (known.Ctor === Ctor && known.length === length && known.byteOffset === byteOffset) return known.view;
      this.indices.delete(known.view);
    }
    const view = new Ctor(buffer as ArrayBuffer, byteOffset, length);
    this.known[index] = { view, Ctor, byteOffset, length };
    this.indices.set(view, index);
    return view;
  }

  /** The allocation index `storage` was handed out for, if it is one of these views. */
  indexOf(storage: object): number | undefined {
    return this.indices.get(storage);
  }
}
