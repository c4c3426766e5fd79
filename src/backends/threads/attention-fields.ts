/**
 * The layout of an attention job's ints in the control block (GemmControl.writeAttention):
 * what the caller (parallel-attention.ts) writes and every thread computing a block of it
 * (attention-helper.ts) reads.
 */
/** Where each int of an attention job lies among ATTENTION_INTS. */
export const AttentionField = {
  Heads: 0, Rows: 1, Keys: 2, Size: 3, VSize: 4,
  QAt: 5, QBatch: 6, QHead: 7, QRow: 8,
  KAt: 9, KBatch: 10, KHead: 11, KRow: 12,
  VAt: 13, VBatch: 14, VHead: 15, VRow: 16,
  /** Scratch offset of the staged logits, one rows x keys block per unit from FirstStagedUnit; -1 for none. */
  LogitsAt: 17,
  /**
   * The output: in scratch memory, one rows x vSize block per unit from FirstStagedUnit; in the
   * shared heap, where the output [batch, rows, heads * vSize] starts.
   */
  OutAt: 18,
  /** The first unit staged: the first helper unit, or 0 where the caller computes its units from the shared heap too. */
  FirstStagedUnit: 19,
  /** Floats of the shared heap where QAt, KAt, VAt and OutAt are heap indices; 0 where they are scratch offsets. */
  HeapFloats: 20,
  /** -1 where the logits are staged per unit; else they ignore the head, and are staged per batch entry from this one. */
  LogitsFirstBatch: 21,
} as const;
