/** Builds Resize models and feeds for the tests, with the input layout of each opset. */
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr, buildModel, type AttributeValue, type ValueSpec } from '../../support/model-builder.js';

export interface ResizeCase {
  readonly dims: readonly number[];
  readonly type?: DataType;
  readonly opset?: number;
  readonly scales?: readonly number[];
  readonly sizes?: readonly number[];
  readonly roi?: readonly number[];
  readonly mode?: string;
  readonly attributes?: Record<string, AttributeValue>;
}

export interface BuiltModel {
  readonly model: Uint8Array;
  /** Everything but `x`. */
  readonly feeds: Record<string, Tensor>;
}

/**
 * Opset 10 takes (X, scales); 11-12 need roi and scales present (empty when unused); from 13
 * unused inputs are left out by name.
 */
export function resizeModel(c: ResizeCase): BuiltModel {
  const opset = c.opset ?? 19;
  const type = c.type ?? 'float32';
  const inputs: ValueSpec[] = [{ name: 'x', type, shape: [...c.dims] }];
  const names = ['x'];
  const feeds: Record<string, Tensor> = {};
  const add = (name: string, t: Tensor | undefined, required: boolean, emptyType: 'float32' | 'int64'): void => {
    const tensor = t ?? (required ? new Tensor(emptyType, emptyType === 'int64' ? new BigInt64Array(0) : new Float32Array(0), [0]) : undefined);
    if (!tensor) {
      names.push('');
      return;
    }
    names.push(name);
    inputs.push({ name, type: tensor.type as DataType, shape: [...tensor.dims] });
    feeds[name] = tensor;
  };
  const floats = (v: readonly number[] | undefined) => (v ? new Tensor('float32', Float32Array.from(v), [v.length]) : undefined);
  if (opset >= 11) add('roi', floats(c.roi), opset < 13, 'float32');
  add('scales', floats(c.scales), opset < 13 || c.sizes === undefined, 'float32');
  if (c.sizes) add('sizes', new Tensor('int64', BigInt64Array.from(c.sizes.map(BigInt)), [c.sizes.length]), true, 'int64');
  while (names[names.length - 1] === '') names.pop();
  const attributes = { ...(c.mode ? { mode: attr.string(c.mode) } : {}), ...c.attributes };
  const model = buildModel({
    nodes: [{ op: 'Resize', inputs: names, outputs: ['y'], attributes }],
    inputs,
    outputs: [{ name: 'y', type }],
    opsets: { '': opset },
  });
  return { model, feeds };
}
