/**
 * What the parallel GEMM copies for its helpers (gemm-pool.ts): their operands into the
 * shared scratch memory before a job, their blocks of C out of it after, and which constant B
 * blocks each helper keeps packed (resident-panels.ts), so that B is staged only until then.
 * Where A and C lie in the shared heap (shared-heap.ts), neither is copied: helpers read A and
 * write their blocks of C there.
 */
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import { NO_RESIDENT, NOT_STAGED, type ScratchBlock } from './gemm-control.js';
import { blockOperands, type GemmBlock, type GemmSplit } from './gemm-split.js';
import { ResidentIds } from './resident-panels.js';
import { layoutRegions, type ScratchMemory } from './scratch-memory.js';

/** rows x cols at `offset` of `src`, rows `ld` apart: one operand as stored. */
interface View {
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  readonly ld: number;
}

function viewA(op: GemmOperands): View {
  return { offset: op.aOffset, rows: op.transA ? op.k : op.m, cols: op.transA ? op.m : op.k, ld: op.lda };
}

function viewB(op: GemmOperands): View {
  return { offset: op.bOffset, rows: op.transB ? op.n : op.k, cols: op.transB ? op.k : op.n, ld: op.ldb };
}

function cView(op: GemmOperands, block: GemmBlock): View {
  return { offset: blockOperands(op, block).cOffset, rows: block.row1 - block.row0, cols: block.col1 - block.col0, ld: op.ldc };
}

function copyToScratch(scratch: Float32Array, at: number, src: Float32Array, view: View): void {
  const { offset, rows, cols, ld } = view;
  if (ld === cols) {
    scratch.set(src.subarray(offset, offset + rows * cols), at);
    return;
  }
  for (let i = 0; i < rows; i++) scratch.set(src.subarray(offset + i * ld, offset + i * ld + cols), at + i * cols);
}

function copyFromScratch(scratch: Float32Array, at: number, dst: Float32Array, view: View): void {
  const { offset, rows, cols, ld } = view;
  if (ld === cols) {
    dst.set(scratch.subarray(at, at + rows * cols), offset);
    return;
  }
  for (let i = 0; i < rows; i++) dst.set(scratch.subarray(at + i * cols, at + (i + 1) * cols), offset + i * ld);
}

/**
 * A block whose A and C lie in the shared heap and whose B the helper keeps packed: the B view
 * (offset 0, row stride) is the one its panels were packed from when B was staged.
 */
function heapBlock(op: GemmOperands, sub: GemmOperands, heap: HeapOperands, resident: number): ScratchBlock {
  return {
    m: sub.m, n: sub.n, aAt: heap.a + sub.aOffset, lda: op.lda, bAt: NOT_STAGED, ldb: viewB(sub).cols,
    cAt: heap.c + sub.cOffset, ldc: op.ldc, resident,
  };
}

/** Float indices in the shared heap of op.a and op.c (their element 0). */
export interface HeapOperands {
  readonly a: number;
  readonly c: number;
}

export class GemmStaging {
  private readonly residents = new ResidentIds();
  /** Floats of B copied into scratch memory for helpers (measurement and tests: kept panels make it stop growing). */
  stagedBFloats = 0;

  constructor(private readonly scratch: ScratchMemory) {}

  /**
   * Copies what helpers read into scratch memory: the side no block cuts once, each block's
   * part of the cut side, and its part of C where beta reads it. B is left out for a helper
   * that keeps it packed. Blocks 1.. at [block - 1] (block 0, always the caller's, reads its
   * arrays directly); undefined where scratch cannot hold them. With `heap`, A and C are not
   * staged: the blocks name them in the heap.
   */
  stage(op: GemmOperands, split: GemmSplit, heap?: HeapOperands): ScratchBlock[] | undefined {
    const cols = split.axis === 'cols';
    const blocks = split.blocks.slice(1).map((block, i) => {
      const sub = blockOperands(op, block);
      const resident = this.residents.idOf(sub);
      return { block, sub, resident, stageB: !this.residents.holds(resident, i + 1) };
    });
    // A model's products, from their second run on: nothing to stage, so no scratch to lay out.
    if (heap && blocks.every((h) => !h.stageB)) return blocks.map(({ sub, resident }) => heapBlock(op, sub, heap, resident));
    const whole = cols ? viewA(op) : viewB(op);
    const helpers = blocks.map((h) => ({ ...h, cut: cols ? viewB(h.sub) : viewA(h.sub), out: cView(op, h.block) }));
    // Cut by rows, the whole side is B, which every helper may keep.
    const stageWhole = cols ? !heap : helpers.some((h) => h.stageB);
    const stagesCut = (h: (typeof helpers)[number]): boolean => (cols ? h.stageB : !heap);
    const sizes = [stageWhole ? whole.rows * whole.cols : 0, ...helpers.flatMap((h) => [stagesCut(h) ? h.cut.rows * h.cut.cols : 0, heap ? 0 : h.out.rows * h.out.cols])];
    const { at, end } = layoutRegions(sizes);
    if (!this.scratch.reserve(end)) return undefined;
    const scratch = this.scratch.f32;
    const wholeSrc = (cols ? op.a : op.b) as Float32Array;
    const cutSrc = (cols ? op.b : op.a) as Float32Array;
    if (stageWhole) copyToScratch(scratch, at[0], wholeSrc, whole);
    if (!cols && stageWhole) this.stagedBFloats += whole.rows * whole.cols;
    return helpers.map((h, i) => {
      const { sub, cut, out, resident, stageB } = h;
      const cutAt = at[1 + 2 * i];
      const cAt = at[2 + 2 * i];
      if (stagesCut(h)) copyToScratch(scratch, cutAt, cutSrc, cut);
      if (stageB && cols) this.stagedBFloats += cut.rows * cut.cols;
      if (op.beta !== 0 && !heap) copyToScratch(scratch, cAt, op.c as Float32Array, out);
      const [stagedA, stagedLda, bAt, ldb] = cols ? [at[0], whole.cols, cutAt, cut.cols] : [cutAt, cut.cols, at[0], whole.cols];
      const [aAt, lda] = heap ? [heap.a + sub.aOffset, op.lda] : [stagedA, stagedLda];
      const [blockC, ldc] = heap ? [heap.c + sub.cOffset, op.ldc] : [cAt, sub.n];
      return { m: sub.m, n: sub.n, aAt, lda, bAt: stageB ? bAt : NOT_STAGED, ldb, cAt: blockC, ldc, resident };
    });
  }

  /** A helper's block of C, back from scratch memory into op's C. */
  collect(op: GemmOperands, block: GemmBlock, staged: ScratchBlock): void {
    copyFromScratch(this.scratch.f32, staged.cAt, op.c as Float32Array, cView(op, block));
  }

  /**
   * After a job: a helper that finished a block with staged B now keeps its panels; one that
   * failed a block without staged B has lost them, and is staged B again. (A block the caller
   * took back, from a helper that was late, says nothing either way.)
   */
  noteResidents(staged: readonly ScratchBlock[], collected: readonly boolean[], failed: (helper: number) => boolean): void {
    staged.forEach(({ resident, bAt }, i) => {
      if (resident === NO_RESIDENT) return;
      const helper = i + 1;
      if (collected[helper] && bAt !== NOT_STAGED) this.residents.recordHeld(resident, helper);
      else if (failed(helper)) this.residents.forget(resident, helper);
    });
  }

  /** Resident-panel ids released since the last call, for the helpers. */
  takeReleased(): number[] {
    return this.residents.takeReleased();
  }
}
