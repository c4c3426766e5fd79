/** Counts a model's parameters the way papers do: elements of its floating-point initializers. */
import { decodeModelProto } from '../../onnx/decode-model.js';
import { int64ToNumber } from '../../onnx/int64.js';
import { dataTypeFromOnnx, FLOAT_TYPES } from '../../tensor/element-type.js';

export function countParameters(model: Uint8Array): number {
  let count = 0;
  for (const t of decodeModelProto(model).graph?.initializer ?? []) {
    const type = dataTypeFromOnnx(t.data_type ?? 0);
    if (type && FLOAT_TYPES.includes(type)) count += (t.dims ?? []).reduce<number>((n, d) => n * int64ToNumber(d), 1);
  }
  return count;
}
