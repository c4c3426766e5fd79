/**
 * One-node ai.onnx.ml models for the ml kernel tests: run in onnxts, or in both onnxts and
 * onnxruntime with every output compared.
 */
import { expectMatchesOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';
import { singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import type { Tensor } from '../../../src/index.js';

export interface MlNode {
  readonly op: string;
  readonly feeds: Record<string, Tensor>;
  readonly outputs: Record<string, DataType>;
  readonly attributes: Record<string, AttributeValue>;
  readonly opset?: number;
}

function model(spec: MlNode): Uint8Array {
  return singleNodeModel(
    spec.op,
    Object.entries(spec.feeds).map(([name, t]) => ({ name, type: t.type as DataType })),
    Object.entries(spec.outputs).map(([name, type]) => ({ name, type })),
    { attributes: spec.attributes, opset: spec.opset ?? 3, domain: 'ai.onnx.ml' },
  );
}

export const runMl = (spec: MlNode): Promise<Record<string, Tensor>> => runOnnxts(model(spec), spec.feeds);

export async function expectMlMatchesOrt(spec: MlNode, label = spec.op, tolerance?: Tolerance): Promise<void> {
  await expectMatchesOnnxruntime(model(spec), spec.feeds, tolerance, label);
}
