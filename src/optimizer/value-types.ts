/** Equality of value types as the optimizer compares them: same kind, element type and dims. */
import type { ValueType } from '../ir/value-type.js';

export function sameType(a: ValueType | undefined, b: ValueType | undefined): boolean {
  if (a === b) return true;
  if (a?.kind !== 'tensor' || b?.kind !== 'tensor') return JSON.stringify(a) === JSON.stringify(b);
  if (a.elementType !== b.elementType || (a.shape === undefined) !== (b.shape === undefined)) return false;
  return !a.shape || (a.shape.length === b.shape?.length && a.shape.every((d, i) => d === b.shape?.[i]));
}
