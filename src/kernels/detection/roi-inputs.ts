/** The batch image a RoI refers to, checked against the batch size. */
import { KernelInputError } from '../../errors/errors.js';

export function roiBatchIndex(value: number | bigint, batch: number, roi: number): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0 && n < batch)) {
    throw new KernelInputError(`RoI ${roi} refers to batch index ${value}, outside 0..${batch - 1}`);
  }
  return n;
}
