/**
 * One-node models over named feeds for the string-op tests: build the model, run it in onnxts
 * (and in onnxruntime, for ops and attributes it implements the way the spec does).
 */
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { Tensor } from '../../../src/index.js';

export interface OneNode {
  readonly op: string;
  readonly opset: number;
  readonly feeds: Record<string, Tensor>;
  readonly outputs: Record<string, DataType>;
  readonly attributes?: Record<string, AttributeValue>;
}

function model(spec: OneNode): Uint8Array {
  return singleNodeModel(
    spec.op,
    Object.entries(spec.feeds).map(([name, t]) => ({ name, type: t.type as DataType })),
    Object.entries(spec.outputs).map(([name, type]) => ({ name, type })),
    { attributes: spec.attributes, opset: spec.opset },
  );
}

export async function runOurs(spec: OneNode): Promise<Record<string, Tensor>> {
  return runOnnxts(model(spec), spec.feeds);
}

export async function expectSameAsOrt(spec: OneNode, label?: string): Promise<void> {
  await expectMatchesOnnxruntime(model(spec), spec.feeds, undefined, label ?? spec.op);
}

export const strings = (values: readonly string[], dims: readonly number[] = [values.length]): Tensor =>
  new Tensor('string', [...values], [...dims]);
