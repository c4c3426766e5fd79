/**
 * Bytes -> ModelProto, with every failure turned into a ModelLoadError that says what the
 * bytes are: truncated (a valid start that ends early), not a model, or not a loadable one.
 */
import { ModelLoadError } from '../errors/errors.js';
import { describeUndecodable, rejectNonModelBytes } from './diagnose-bytes.js';
import { ModelProtoType, protobuf } from './proto-schema.js';
import type { ModelProto } from './proto-types.js';

/** ModelProto's field numbers with their wire types (0 varint, 2 length-delimited). */
const MODEL_FIELDS = new Map<number, number>([
  [1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2], [26, 2],
]);

type ScanResult = { kind: 'ok'; lastField: number } | { kind: 'truncated'; needed: number } | { kind: 'foreign'; why: string };

/** Walks the top-level fields only, to tell "a model that ends early" from "not a model". */
function scanTopLevel(bytes: Uint8Array): ScanResult {
  const reader = protobuf.Reader.create(bytes);
  let lastField = 0;
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      lastField = field;
      const wire = tag & 7;
      const expected = MODEL_FIELDS.get(field);
      if (expected === undefined && (field === 0 || field > 100)) {
        return { kind: 'foreign', why: `field number ${field} at byte ${reader.pos} is not part of an ONNX model` };
      }
      if (expected !== undefined && expected !== wire) {
        return { kind: 'foreign', why: `field ${field} has wire type ${wire}, an ONNX model has ${expected}` };
      }
      if (wire === 2) {
        const length = reader.uint32();
        if (reader.pos + length > reader.len) {
          return { kind: 'truncated', needed: reader.pos + length };
        }
        reader.skip(length);
      } else {
        reader.skipType(wire);
      }
    }
  } catch (error) {
    if (error instanceof RangeError) return { kind: 'truncated', needed: bytes.length + 1 };
    return { kind: 'foreign', why: String((error as Error).message) };
  }
  return { kind: 'ok', lastField };
}

export function decodeModelProto(bytes: Uint8Array, source = 'the model'): ModelProto {
  rejectNonModelBytes(bytes, source);
  const scan = scanTopLevel(bytes);
  const startsLikeModel = MODEL_FIELDS.get(bytes[0] >>> 3) === (bytes[0] & 7);
  if (scan.kind !== 'ok' && !startsLikeModel) throw describeUndecodable(bytes, source, scan.kind === 'foreign' ? scan.why : 'its first field is no ONNX model field');
  if (scan.kind === 'truncated') {
    throw new ModelLoadError(
      'truncated',
      `${source} is truncated: it ends early at ${bytes.length} bytes but its contents need at least ` +
        `${scan.needed} (an interrupted download or copy?)`,
    );
  }
  if (scan.kind === 'foreign') throw describeUndecodable(bytes, source, scan.why);
  let model: ModelProto;
  try {
    model = ModelProtoType.decode(bytes) as unknown as ModelProto;
  } catch (error) {
    const message = (error as Error).message;
    const truncated = /index out of range/.test(message);
    throw new ModelLoadError(
      truncated ? 'truncated' : 'not-onnx',
      truncated
        ? `${source} is truncated: a message inside it ends early (${message})`
        : `${source} is not a valid ONNX model: ${message}`,
      { cause: error },
    );
  }
  if (!model.graph && scan.lastField < 7) {
    // Writers emit fields in number order, so a file that stops before field 7 (graph) was cut short.
    throw new ModelLoadError('truncated', `${source} is truncated: it ends after ${bytes.length} bytes, before its graph`);
  }
  if (!model.graph) {
    throw new ModelLoadError('no-graph', `${source} decodes as protobuf but holds no graph, so it is not an ONNX model`);
  }
  return model;
}
