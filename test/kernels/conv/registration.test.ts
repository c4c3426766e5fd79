import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../src/kernels/default-registry.js';
import type { DataType } from '../../../src/tensor/element-type.js';

/** Whether a kernel serves `op` at `opset` for an X of `type` (other inputs as the op needs). */
function accepts(op: string, opset: number, type: DataType): boolean {
  const node = { name: 'n', opType: op, domain: '', opset };
  const registry = defaultRegistry();
  try {
    const types: DataType[] = op === 'MaxUnpool' ? [type, 'int64', 'int64'] : op === 'Col2Im' ? [type, 'int64', 'int64'] : [type, type, type];
    registry.select(registry.candidates(node, opset), types, node);
    return true;
  } catch {
    return false;
  }
}

describe('conv family registrations follow the spec versions', () => {
  it.each([
    ['Conv', 1, 'float16', true], ['Conv', 21, 'bfloat16', false], ['Conv', 22, 'bfloat16', true], ['Conv', 22, 'int8', false],
    ['ConvTranspose', 1, 'float32', true], ['ConvTranspose', 22, 'bfloat16', true],
    ['MaxPool', 1, 'float32', true], ['MaxPool', 11, 'int8', false], ['MaxPool', 12, 'int8', true], ['MaxPool', 12, 'uint8', true],
    ['MaxPool', 21, 'bfloat16', false], ['MaxPool', 22, 'bfloat16', true],
    ['AveragePool', 1, 'float64', true], ['AveragePool', 22, 'bfloat16', true], ['AveragePool', 22, 'int8', false],
    ['LpPool', 1, 'float32', true], ['LpPool', 18, 'float16', true],
    ['GlobalAveragePool', 1, 'float32', true], ['GlobalMaxPool', 22, 'bfloat16', true], ['GlobalLpPool', 2, 'float64', true],
    ['MaxUnpool', 8, 'float32', false], ['MaxUnpool', 9, 'float32', true], ['MaxUnpool', 22, 'bfloat16', true],
    ['Col2Im', 17, 'float32', false], ['Col2Im', 18, 'float32', true],
    ['DeformConv', 18, 'float32', false], ['DeformConv', 19, 'float32', true], ['DeformConv', 22, 'bfloat16', true],
  ] as [string, number, DataType, boolean][])('%s opset %i %s: %s', (op, opset, type, expected) => {
    expect(accepts(op, opset, type)).toBe(expected);
  });
});
