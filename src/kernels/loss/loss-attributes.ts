/** The attributes both class losses take: reduction (none/sum/mean) and the optional ignore_index. */
import { KernelInputError } from '../../errors/errors.js';
import type { AttributeReader } from '../attributes.js';
import type { ClassLossAttributes, Reduction } from './class-loss.js';

const REDUCTIONS: readonly string[] = ['none', 'sum', 'mean'];

export function parseClassLossAttributes(attrs: AttributeReader): ClassLossAttributes {
  const reduction = attrs.string('reduction', 'mean');
  if (!REDUCTIONS.includes(reduction)) {
    throw new KernelInputError(`attribute 'reduction' must be one of ${REDUCTIONS.join(', ')}, got '${reduction}'`);
  }
  return { reduction: reduction as Reduction, ignoreIndex: attrs.int('ignore_index') };
}
