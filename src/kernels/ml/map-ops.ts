/**
 * The ai.onnx.ml ops between maps and tensors. ZipMap turns each row of scores into a map from
 * class label to score (a sequence of maps, one per row); CastMap and DictVectorizer lay a map's
 * values out as a [1, C] tensor, by key order or by a vocabulary.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, type DataType } from '../../tensor/element-type.js';
import { MapValue, SequenceValue, type MapKey, type Value } from '../../tensor/value.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { classLabelsOf, type ClassLabels } from './class-labels.js';
import { featureRows } from './feature-rows.js';

function mapInput(inputs: readonly (Value | undefined)[]): MapValue {
  const v = inputs[0];
  if (v?.kind !== 'map') throw new KernelInputError(`X must be a map, got ${v === undefined ? 'nothing' : `a ${v.kind}`}`);
  return v;
}

/** A map entry's value, which the runtime holds as a one-element tensor. */
function scalarOfEntry(value: Value, key: MapKey): { type: DataType; value: string | number } {
  if (value.kind !== 'tensor' || value.size !== 1) throw new KernelInputError(`map value at key ${String(key)} must be a scalar tensor`);
  if (value.type === 'string') return { type: 'string', value: (value.data as string[])[0] };
  return { type: value.type, value: Number(computeValues(value)[0]) };
}

export const zipMapKernel = kernel<ClassLabels>({
  domain: 'ai.onnx.ml',
  opType: 'ZipMap',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ['float32'] }],
  parseAttributes: (attrs) => classLabelsOf(attrs, 'classlabels_int64s'),
  run(inputs, labels) {
    const { rows, cols, values } = featureRows(tensorInput(inputs, 0, 'X'));
    if (cols !== labels.labels.length) throw new KernelInputError(`X has ${cols} columns for ${labels.labels.length} class labels`);
    const maps: MapValue[] = [];
    for (let r = 0; r < rows; r++) {
      const entries = new Map<MapKey, Value>(labels.labels.map((label, c) => [label, new DenseTensor('float32', [], Float32Array.of(values[r * cols + c]))]));
      maps.push(new MapValue(labels.kind, entries));
    }
    return [new SequenceValue(maps)];
  },
});

type CastTarget = 'float32' | 'string' | 'int64';
const CAST_TARGETS: Record<string, CastTarget> = { TO_FLOAT: 'float32', TO_STRING: 'string', TO_INT64: 'int64' };

/** A value converted as onnxruntime's CastMap does: strings parse as numbers, floats print with six decimals (C++ std::to_string). */
function castValue(value: string | number, to: CastTarget): string | number | bigint {
  if (to === 'string') return typeof value === 'string' ? value : value.toFixed(6);
  const n = typeof value === 'string' ? Number.parseFloat(value) : value;
  if (to === 'float32') return n;
  if (!Number.isFinite(n)) throw new KernelInputError(`map value ${value} has no int64 value`);
  return BigInt(Math.trunc(n));
}

export const castMapKernel = kernel<{ to: CastTarget; sparse: boolean; maxMap: number }>({
  domain: 'ai.onnx.ml',
  opType: 'CastMap',
  sinceVersion: 1,
  parseAttributes(attrs) {
    const castTo = attrs.string('cast_to', 'TO_FLOAT');
    const form = attrs.string('map_form', 'DENSE');
    if (!CAST_TARGETS[castTo]) throw new KernelInputError(`attribute 'cast_to' must be TO_FLOAT, TO_STRING or TO_INT64, got '${castTo}'`);
    if (form !== 'DENSE' && form !== 'SPARSE') throw new KernelInputError(`attribute 'map_form' must be DENSE or SPARSE, got '${form}'`);
    const maxMap = attrs.int('max_map', 1);
    if (form === 'SPARSE' && !(maxMap >= 0 && maxMap <= 2 ** 31 - 1)) throw new KernelInputError(`attribute 'max_map' ${maxMap} is not a usable length`);
    return { to: CAST_TARGETS[castTo], sparse: form === 'SPARSE', maxMap };
  },
  run(inputs, { to, sparse, maxMap }) {
    const map = mapInput(inputs);
    if (map.keyType !== 'int64') throw new KernelInputError(`CastMap needs int64 keys, got ${map.keyType}`);
    const entries = [...map.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const length = sparse ? maxMap : entries.length;
    const out = allocateStorage(to, length) as unknown as (string | number | bigint)[];
    entries.forEach(([key, value], i) => {
      const at = sparse ? Number(key) : i;
      if (at < 0 || at >= length) throw new KernelInputError(`key ${key} is outside [0, ${length}) of a SPARSE CastMap`);
      out[at] = castValue(scalarOfEntry(value, key).value, to);
    });
    return [new DenseTensor(to, [1, length], out as never)];
  },
});

export const dictVectorizerKernel = kernel<{ vocabulary: ReadonlyMap<MapKey, number>; keyType: DataType }>({
  domain: 'ai.onnx.ml',
  opType: 'DictVectorizer',
  sinceVersion: 1,
  parseAttributes(attrs) {
    const strings = attrs.strings('string_vocabulary');
    const ints = attrs.ints('int64_vocabulary');
    if ((strings === undefined) === (ints === undefined)) throw new KernelInputError('exactly one of string_vocabulary and int64_vocabulary must be given');
    const keys: readonly MapKey[] = strings ?? (ints ?? []).map((v) => BigInt(v));
    return { vocabulary: new Map(keys.map((k, i) => [k, i])), keyType: strings ? 'string' : 'int64' };
  },
  run(inputs, { vocabulary, keyType }) {
    const map = mapInput(inputs);
    if (map.keyType !== keyType) throw new KernelInputError(`the map has ${map.keyType} keys but the vocabulary holds ${keyType}`);
    const found = [...map.entries].map(([key, value]) => ({ at: vocabulary.get(key), ...scalarOfEntry(value, key) }));
    // An empty map says nothing of its value type; float is what the sklearn exporters feed.
    const type = found[0]?.type ?? 'float32';
    const out = allocateStorage(type, vocabulary.size) as unknown as (string | number | bigint)[];
    for (const { at, value } of found) {
      // Keys outside the vocabulary have no column and are dropped, as onnxruntime does.
      if (at !== undefined) out[at] = type === 'int64' ? BigInt(value) : value;
    }
    return [new DenseTensor(type, [1, vocabulary.size], out as never)];
  },
});
