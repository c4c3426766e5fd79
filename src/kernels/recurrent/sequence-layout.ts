/**
 * Where step t of batch entry b lives in X, Y and the state tensors under either `layout`, so
 * the recurrence reads and writes layout-1 tensors in place instead of transposing them.
 */
import type { Shape } from '../../tensor/shape.js';

export class SequenceLayout {
  /** Y's shape. */
  readonly yDims: Shape;
  /** The shape of initial_h, Y_h and the other state tensors. */
  readonly stateDims: Shape;
  /** Every batch entry's length where sequence_lens is absent: the whole sequence. */
  readonly fullLengths: readonly number[];

  constructor(
    readonly layout: 0 | 1,
    readonly seqLength: number,
    readonly batch: number,
    readonly directions: number,
    readonly hidden: number,
  ) {
    this.yDims = layout === 0 ? [seqLength, directions, batch, hidden] : [batch, seqLength, directions, hidden];
    this.stateDims = layout === 0 ? [directions, batch, hidden] : [batch, directions, hidden];
    this.fullLengths = new Array<number>(batch).fill(seqLength);
  }

  /** Whether this layout is the one of these sizes (a node's calls keep one while their shapes stay). */
  matches(layout: 0 | 1, seqLength: number, batch: number, directions: number, hidden: number): boolean {
    return this.layout === layout && this.seqLength === seqLength && this.batch === batch && this.directions === directions && this.hidden === hidden;
  }

  /** Row of X (and of the input projection) holding step t of batch entry b. */
  xRow(t: number, b: number): number {
    return this.layout === 0 ? t * this.batch + b : b * this.seqLength + t;
  }

  /** Rows between batch entries b and b + 1 of one step. */
  get batchRowStride(): number {
    return this.layout === 0 ? 1 : this.seqLength;
  }

  /** Offset of Y's hidden vector for step t, direction d, batch entry b. */
  yOffset(t: number, d: number, b: number): number {
    const { seqLength, batch, directions, hidden } = this;
    return (this.layout === 0 ? (t * directions + d) * batch + b : (b * seqLength + t) * directions + d) * hidden;
  }

  /** Offset of the state vector (initial_h, Y_h, ...) of direction d, batch entry b. */
  stateOffset(d: number, b: number): number {
    return (this.layout === 0 ? d * this.batch + b : b * this.directions + d) * this.hidden;
  }
}
