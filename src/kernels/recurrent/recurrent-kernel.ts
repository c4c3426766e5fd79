/**
 * Registration of RNN, GRU and LSTM: one kernel per opset range whose attributes or types
 * differ, all running the shared recurrence with the op's cell. Opset 1's `output_sequence`
 * only says whether Y may be omitted, so Y is computed either way.
 */
import type { DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import type { Cell } from './cell.js';
import { runRecurrence } from './recurrence.js';
import { parseRecurrentAttributes, type RecurrentAttributes } from './recurrent-attributes.js';
import { RecurrentScratch } from './recurrent-scratch.js';

export interface OpsetRange {
  readonly since: number;
  readonly until?: number;
  /** Whether the `layout` attribute exists (opset 14 on). */
  readonly layout: boolean;
  readonly types: readonly DataType[];
}

const BEFORE_22: readonly DataType[] = ['float16', 'float32', 'float64'];

/** The ranges RNN and LSTM change at; GRU also changes at 3. */
export const RECURRENT_OPSET_RANGES: readonly OpsetRange[] = [
  { since: 1, until: 13, layout: false, types: BEFORE_22 },
  { since: 14, until: 21, layout: true, types: BEFORE_22 },
  { since: 22, layout: true, types: ['bfloat16', ...BEFORE_22] },
];

interface ParsedRecurrent {
  readonly common: RecurrentAttributes;
  readonly cell: Cell;
  readonly scratch: RecurrentScratch;
}

const SEQUENCE_LENS = 4;
/** X, W, R, B, initial_h, initial_c, P: every input but sequence_lens. */
const FLOAT_INPUTS = [0, 1, 2, 3, 5, 6, 7];

export function recurrentKernels<R extends OpsetRange>(
  opType: string,
  defaultActivations: readonly string[],
  ranges: readonly R[],
  makeCell: (attrs: AttributeReader, range: R) => Cell,
): KernelDefinition[] {
  return ranges.map((range) =>
    kernel<ParsedRecurrent>({
      domain: '',
      opType,
      sinceVersion: range.since,
      untilVersion: range.until,
      typeConstraints: [
        ...FLOAT_INPUTS.map((input) => ({ input, types: range.types })),
        { input: SEQUENCE_LENS, types: ['int32'] },
      ],
      parseAttributes: (attrs) => ({
        common: parseRecurrentAttributes(attrs, { defaultActivations, hasLayout: range.layout }),
        cell: makeCell(attrs, range),
        scratch: new RecurrentScratch(),
      }),
      run: (inputs, { common, cell, scratch }, context) => runRecurrence(inputs, common, cell, scratch, context),
    }),
  );
}
