/**
 * Float32 GEMM on the WebAssembly SIMD module (wasm/assembly/), behind gemm()'s operands.
 *
 * The module computes on its own linear memory (wasm-heap.ts). An operand that already lives
 * there (a run's activation arena) is passed by address with its own stride; any other is
 * copied into the heap's scratch first, and C copied back out: about 4 * (mk + kn + 2mn)
 * bytes of memcpy for a product whose operands all come from outside. A constant B (a weight)
 * is packed once into panels that stay in the heap while the constant lives, and so are the
 * panels of a prepacked B (packBF32's) once they are first used. Products of one row (m = 1)
 * skip the blocked kernel for a matrix-vector loop over B or its panels (wasm-gemv.ts).
 */
import { env } from '../../config/env.js';
import { KernelInputError } from '../../errors/errors.js';
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import { gemmModule, instantiateGemm, type GemmExports, type GemmModule, type GemmVariant } from './gemm-module.js';
import { copyIn, copyOut, copyStride, extent } from './operand-copy.js';
import { packOutsideB } from './pack-outside-b.js';
import { isContiguousRow, rowTimesB } from './wasm-gemv.js';
import { WasmHeap, type HeapRegion } from './wasm-heap.js';

/** The most bytes of constant-B panels kept in the heap: the rest of wasm32's 4 GiB stays for arenas and scratch. */
const RESIDENT_LIMIT_BYTES = 1 << 30;

/** B (k x n) packed once, for a constant B such as a weight, in the module's panel layout. */
export interface PackedBF32 {
  readonly k: number;
  readonly n: number;
  readonly panels: Float32Array;
}

/** Panels of one view of a constant B (its offset, stride, orientation and size) in the heap. */
interface ResidentPanels {
  readonly bOffset: number;
  readonly ldb: number;
  readonly transB: boolean;
  readonly k: number;
  readonly n: number;
  readonly region: HeapRegion;
}

/** Operand traffic of one instance, for measuring what the activation arena saves. */
export interface GemmTraffic {
  /** Floats copied into or out of the heap. */
  copiedFloats: number;
  /** Operands (A, B or C) the module addressed where they were (a run's arena). */
  operandsInPlace: number;
  /** Products whose constant B came from panels kept in the heap. */
  residentB: number;
}

/** The GEMM entry points on one instance of the module, over that instance's heap. */
export class WasmGemm {
  private readonly exports: GemmExports;
  readonly heap: WasmHeap;
  readonly variant: GemmVariant;
  readonly traffic: GemmTraffic = { copiedFloats: 0, operandsInPlace: 0, residentB: 0 };
  /** Panels of constant B operands kept in the heap, by constant, then by the view of it packed. */
  private readonly resident = new WeakMap<object, ResidentPanels[]>();
  private readonly residentRelease = new FinalizationRegistry<HeapRegion>((region) => {
    this.heap.releaseRegion(region);
    this.residentBytes -= region.byteLength;
  });
  private residentBytes = 0;
  /** Prepacked B (packBF32's) kept in the heap, by the panels' owner. */
  private readonly residentPacked = new WeakMap<PackedBF32, HeapRegion>();

  constructor(module: GemmModule) {
    this.exports = module.exports;
    this.variant = module.variant;
    this.heap = new WasmHeap(module.exports.memory, module.exports.heapBase());
  }

  /** As wasmGemmF32, on this instance. */
  gemmF32(op: GemmOperands, packedB?: PackedBF32): boolean {
    const { m, n, k, a, b, c, alpha, beta, transA, transB } = op;
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return false;
    if (m === 0 || n === 0 || k === 0 || alpha === 0) return false;
    if (packedB && (packedB.k !== k || packedB.n !== n)) {
      throw new KernelInputError(`packed B is ${packedB.k} x ${packedB.n}, the product needs ${k} x ${n}`);
    }
    const { exports, heap, traffic } = this;
    const resident = packedB ? this.keptPackedB(packedB) : this.residentPanels(op, b);
    if (isContiguousRow(op) && (resident !== undefined || !packedB)) {
      const row = rowTimesB(exports, heap, { ...op, a, b, c }, resident);
      if (!row) return false;
      traffic.copiedFloats += row.copiedFloats;
      traffic.operandsInPlace += row.operandsInPlace;
      if (resident !== undefined) traffic.residentB++;
      return true;
    }
    const [aRows, aCols] = transA ? [k, m] : [m, k];
    const [bRows, bCols] = transB ? [n, k] : [k, n];
    const aHere = heap.holds(a);
    const bHere = !packedB && resident === undefined && heap.holds(b);
    const bCopied = !packedB && resident === undefined && !bHere;
    const cHere = heap.holds(c);
    const lda = aHere ? op.lda : copyStride(aRows, aCols, op.lda);
    const ldb = bHere ? op.ldb : copyStride(bRows, bCols, op.ldb);
    const ldc = cHere ? op.ldc : beta === 0 ? n : copyStride(m, n, op.ldc);
    const offsets = heap.scratch([
      exports.packedALength(),
      resident === undefined ? exports.packedBLength(k, n) : 0,
      aHere ? 0 : extent(aRows, aCols, lda),
      cHere ? 0 : extent(m, n, ldc),
      bCopied ? extent(bRows, bCols, ldb) : 0,
    ]);
    if (!offsets) return false;
    const [packedA, packedScratch, aScratch, cScratch, bScratch] = offsets;
    const memory = heap.f32;
    const aAt = aHere ? addressOf(a, op.aOffset) : aScratch;
    const cAt = cHere ? addressOf(c, op.cOffset) : cScratch;
    const packed = resident ?? packedScratch;
    if (!aHere) traffic.copiedFloats += copyIn(memory, aAt, a, op.aOffset, aRows, aCols, op.lda, lda);
    if (packedB && resident === undefined) {
      memory.set(packedB.panels, packed / 4);
      traffic.copiedFloats += packedB.panels.length;
    } else if (resident === undefined) {
      const bAt = bHere ? addressOf(b, op.bOffset) : bScratch;
      if (bCopied) traffic.copiedFloats += copyIn(memory, bAt, b, op.bOffset, bRows, bCols, op.ldb, ldb);
      exports.packB(bAt, ldb, transB, k, n, packed);
    }
    if (!cHere && beta !== 0) traffic.copiedFloats += copyIn(memory, cAt, c, op.cOffset, m, n, op.ldc, ldc);
    exports.gemm(m, n, k, aAt, lda, transA, packed, cAt, ldc, alpha, beta, packedA);
    if (!cHere) traffic.copiedFloats += copyOut(memory, cAt, ldc, c, op.cOffset, op.ldc, m, n);
    traffic.operandsInPlace += +aHere + +bHere + +cHere;
    if (resident !== undefined) traffic.residentB++;
    return true;
  }

  /**
   * Where B's panels lie in the heap when B is a model constant (op.constantB): packed on the
   * first product that meets it and kept while the constant lives. Undefined for other B, and
   * where the heap has no room for them now (the caller then packs per call).
   */
  private residentPanels(op: GemmOperands, b: Float32Array): number | undefined {
    const key = op.constantB;
    if (key === undefined) return undefined;
    const { k, n, transB, bOffset, ldb } = op;
    const found = this.keptPanels(op);
    if (found !== undefined) return found;
    let views = this.resident.get(key);
    const bytes = this.exports.packedBLength(k, n) * 4;
    if (this.residentBytes + bytes > RESIDENT_LIMIT_BYTES) return undefined;
    const region = this.heap.reserveRegion(bytes);
    if (!region) return undefined;
    if (!this.packInto(region.byteOffset, b, bOffset, ldb, transB, k, n)) {
      this.heap.releaseRegion(region);
      return undefined;
    }
    if (!views) this.resident.set(key, (views = []));
    views.push({ bOffset, ldb, transB, k, n, region });
    this.residentBytes += region.byteLength;
    this.residentRelease.register(key, region, views);
    return region.byteOffset;
  }

  /** Where prepacked panels (packBF32's) are kept in the heap: copied in on first use and kept while they live. */
  private keptPackedB(packedB: PackedBF32): number | undefined {
    const kept = this.residentPacked.get(packedB);
    if (kept) return kept.byteOffset;
    const bytes = packedB.panels.length * 4;
    if (this.residentBytes + bytes > RESIDENT_LIMIT_BYTES) return undefined;
    const region = this.heap.reserveRegion(bytes);
    if (!region) return undefined;
    this.heap.f32.set(packedB.panels, region.byteOffset / 4);
    this.traffic.copiedFloats += packedB.panels.length;
    this.residentPacked.set(packedB, region);
    this.residentBytes += region.byteLength;
    this.residentRelease.register(packedB, region);
    return region.byteOffset;
  }

  /** Whether panels of op's constant B, in op's view of it, are kept in the heap. */
  holdsResident(op: GemmOperands): boolean {
    return this.keptPanels(op) !== undefined;
  }

  /**
   * Releases every view of `key` kept in the heap now. For a thread whose event loop never
   * turns (a GEMM helper), where the finalization callback that would release them never runs.
   */
  dropResident(key: object): void {
    const views = this.resident.get(key);
    if (!views) return;
    this.resident.delete(key);
    this.residentRelease.unregister(views);
    for (const view of views) {
      this.heap.releaseRegion(view.region);
      this.residentBytes -= view.region.byteLength;
    }
  }

  private keptPanels(op: GemmOperands): number | undefined {
    const views = op.constantB && this.resident.get(op.constantB);
    if (!views) return undefined;
    const { k, n, transB, bOffset, ldb } = op;
    for (const view of views) {
      if (view.bOffset === bOffset && view.ldb === ldb && view.transB === transB && view.k === k && view.n === n) return view.region.byteOffset;
    }
    return undefined;
  }

  /** Packs B into the panels at `packed`: where it lies, or a slice at a time through scratch where it lies outside the heap. */
  private packInto(packed: number, b: Float32Array, bOffset: number, ldb: number, transB: boolean, k: number, n: number): boolean {
    if (this.heap.holds(b)) {
      this.exports.packB(addressOf(b, bOffset), ldb, transB, k, n, packed);
      return true;
    }
    const copied = packOutsideB(this.exports, this.heap, packed, b, bOffset, ldb, transB, k, n);
    if (copied === undefined) return false;
    this.traffic.copiedFloats += copied;
    return true;
  }

  /** As packBF32, on this instance. */
  packB(b: Float32Array, bOffset: number, ldb: number, transB: boolean, k: number, n: number): PackedBF32 | undefined {
    if (k === 0 || n === 0) return undefined;
    const { exports, heap } = this;
    const [rows, cols] = transB ? [n, k] : [k, n];
    const bHere = heap.holds(b);
    const ld = bHere ? ldb : copyStride(rows, cols, ldb);
    const length = exports.packedBLength(k, n);
    const offsets = heap.scratch([length, bHere ? 0 : extent(rows, cols, ld)]);
    if (!offsets) return undefined;
    const [packed, bScratch] = offsets;
    const memory = heap.f32;
    const bAt = bHere ? addressOf(b, bOffset) : bScratch;
    if (!bHere) copyIn(memory, bAt, b, bOffset, rows, cols, ldb, ld);
    exports.packB(bAt, ld, transB, k, n, packed);
    return { k, n, panels: memory.slice(packed / 4, packed / 4 + length) };
  }
}

/** The byte address of element `offset` of a view that lies in the module's memory. */
function addressOf(view: Float32Array, offset: number): number {
  return view.byteOffset + offset * 4;
}

let shared: WasmGemm | undefined;

/** The instance gemm() uses, unless the user turned WebAssembly kernels off (env.wasm.simd = false) or none loads. */
function sharedGemm(): WasmGemm | undefined {
  if (env.wasm.simd === false) return undefined;
  if (shared) return shared;
  const module = gemmModule();
  if (module) shared = new WasmGemm(module);
  return shared;
}

let overflow: WasmGemm | undefined;

/**
 * A second instance for products the shared one cannot take while runs hold views over its
 * heap (its scratch would have to grow): no arena lives in this one's memory, so it can always
 * grow, and it copies operands as hosts did before arenas.
 */
function overflowGemm(): WasmGemm | undefined {
  const variant = sharedGemm()?.variant;
  if (!overflow && variant) {
    const module = instantiateGemm(variant);
    if (module) overflow = new WasmGemm(module);
  }
  return overflow;
}

/** The heap gemm() computes in, where activation arenas go so products need no copies; undefined where wasm is off. */
export function wasmGemmHeap(): WasmHeap | undefined {
  return sharedGemm()?.heap;
}

/** What gemm()'s instance has copied and passed in place so far (measurement and tests). */
export function wasmGemmTraffic(): Readonly<GemmTraffic> | undefined {
  return sharedGemm()?.traffic;
}

/**
 * Gives back the heap panels packed for these constants now, rather than when they are
 * collected: a released session's weights free their room for the next session's, in memory
 * already touched. A product that meets one of them again packs it afresh.
 */
export function releaseResidentPanels(constants: Iterable<object>): void {
  for (const gemm of [shared, overflow]) if (gemm) for (const key of constants) gemm.dropResident(key);
}

/** Which build products run on here, or undefined when they stay in TypeScript. */
export function wasmGemmVariant(): GemmVariant | undefined {
  return sharedGemm()?.variant;
}

/**
 * C = alpha * op(A) * op(B) + beta * C when A, B and C are all Float32Arrays; false, with C
 * untouched, when it cannot: another element type, an empty product, alpha 0 (C = beta * C
 * needs no product, and 0 * inf must not reach C), wasm off or unavailable, or memory that will
 * not grow (where runs hold the shared heap, a second instance that copies takes the product). With `packedB` (from packBF32, for the same k and n) op.b and its layout are not read.
 */
export function wasmGemmF32(op: GemmOperands, packedB?: PackedBF32): boolean {
  const gemm = sharedGemm();
  if (!gemm) return false;
  return gemm.gemmF32(op, packedB) || (gemm.heap.growthHeld() && (overflowGemm()?.gemmF32(op, packedB) ?? false));
}

/**
 * Packs B (k x n; stored n x k when transB) for repeated products with wasmGemmF32: the first
 * call copies the panels into the heap, where they stay while the returned object lives.
 * Undefined where wasmGemmF32 would not run (wasm off or unavailable, an empty B). The panels
 * fit every build.
 */
export function packBF32(
  b: Float32Array, bOffset: number, ldb: number, transB: boolean, k: number, n: number,
): PackedBF32 | undefined {
  const gemm = sharedGemm();
  if (!gemm) return undefined;
  return gemm.packB(b, bOffset, ldb, transB, k, n) ?? (gemm.heap.growthHeld() ? overflowGemm()?.packB(b, bOffset, ldb, transB, k, n) : undefined);
}
