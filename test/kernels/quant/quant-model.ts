/**
 * One-node models for the quantization tests: each input is a feed, a constant (initializer, so
 * sub-byte and float8 parameters reach onnxruntime in their wire form) or absent, and outputs
 * are compared with onnxruntime code for code. onnxruntime-node cannot hand sub-byte or float8
 * tensors back to JavaScript (int4 outputs abort the process), so those outputs are read out
 * through a DequantizeLinear with scale 1, which maps each code to its value exactly.
 */
import { expect } from 'vitest';
import type { Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectTensorsClose, runOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';
import { buildModel, type AttributeValue, type NodeSpec, type ValueSpec } from '../../support/model-builder.js';

const UNREADABLE: readonly DataType[] = ['int4', 'uint4', 'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'];

/** Quantized outputs must agree exactly. */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

export type Operand = { readonly feed: Tensor } | { readonly constant: DenseTensor } | undefined;

export interface NodeCase {
  readonly op: string;
  readonly domain?: string;
  readonly opset?: number;
  readonly inputs: readonly Operand[];
  readonly outputs: readonly DataType[];
  readonly attributes?: Record<string, AttributeValue>;
}

export function nodeModel(c: NodeCase): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const feeds: Record<string, Tensor> = {};
  const initializers: Record<string, DenseTensor> = {};
  const graphInputs: ValueSpec[] = [];
  const names = c.inputs.map((operand, i) => {
    if (operand === undefined) return '';
    const name = `in${i}`;
    if ('feed' in operand) {
      feeds[name] = operand.feed;
      graphInputs.push({ name, type: operand.feed.type as DataType, shape: operand.feed.dims });
    } else {
      initializers[name] = operand.constant;
    }
    return name;
  });
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const domain = c.domain ?? '';
  const readouts: NodeSpec[] = [];
  const outputs: ValueSpec[] = c.outputs.map((type, i) => {
    if (!UNREADABLE.includes(type)) return { name: `out${i}`, type };
    readouts.push({ op: 'DequantizeLinear', inputs: [`code${i}`, 'unit_scale'], outputs: [`out${i}`] });
    initializers.unit_scale = new DenseTensor('float32', [], Float32Array.of(1));
    return { name: `out${i}`, type: 'float32' };
  });
  const model = buildModel({
    nodes: [
      { op: c.op, domain, inputs: names, outputs: c.outputs.map((type, i) => (UNREADABLE.includes(type) ? `code${i}` : `out${i}`)), attributes: c.attributes },
      ...readouts,
    ],
    inputs: graphInputs,
    outputs,
    initializers,
    opsets: domain === '' ? { '': c.opset ?? 21 } : { '': 13, [domain]: c.opset ?? 1 },
  });
  return { model, feeds };
}

/** Runs the node in both runtimes and expects every output to agree within `tolerance` (exact by default). */
export async function expectMatchesOrt(c: NodeCase, label: string, tolerance: Tolerance = EXACT): Promise<void> {
  const { model, feeds } = nodeModel(c);
  const [ours, theirs] = await Promise.all([runOnnxts(model, feeds), runOnnxruntime(model, feeds)]);
  for (const [name, expected] of Object.entries(theirs)) {
    expect(ours[name], `${label}: output ${name}`).toBeDefined();
    expectTensorsClose(ours[name], expected, tolerance, label);
  }
}

/** Runs the node in onnxts only. */
export async function runNode(c: NodeCase): Promise<Record<string, Tensor>> {
  const { model, feeds } = nodeModel(c);
  return runOnnxts(model, feeds);
}
