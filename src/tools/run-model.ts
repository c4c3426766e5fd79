/**
 * What `onnxts run` does once the model is loaded: feeds the inputs the user gave (converted
 * only by lossless widening), makes seeded random data for the rest, runs once, and summarizes
 * every output.
 */
import type { InferenceSession, ReturnType } from '../api/inference-session.js';
import { publicFromDense } from '../api/value-conversion.js';
import type { Tensor } from '../api/tensor.js';
import { InvalidArgumentError, InvalidFeedError } from '../errors/errors.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import type { DataType } from '../tensor/element-type.js';
import { formatShape } from '../tensor/shape.js';
import { widenLosslessly } from './lossless-widening.js';
import { randomTensor } from './random-tensor.js';
import { SeededRandom } from './seeded-random.js';
import { summarizeValue, type ValueSummary } from './value-summary.js';

/** Where a given input's tensor comes from; `read` learns the declared type first (JSON arrays need it). */
export interface InputSource {
  /** Names the source in messages and reports, e.g. the file path. */
  readonly label: string;
  read(declaredType: DataType | undefined): Promise<DenseTensor>;
}

export interface RunModelOptions {
  readonly inputs?: ReadonlyMap<string, InputSource>;
  /** Seeds the random inputs; 0 when absent. */
  readonly seed?: number;
  /** Sizes for symbolic dimensions of random inputs, by dimension name. */
  readonly dims?: ReadonlyMap<string, number>;
}

export interface InputReport {
  readonly name: string;
  readonly type: DataType;
  readonly shape: readonly number[];
  /** The source's label, or 'random'. */
  readonly source: string;
  /** The file's element type when it was widened to the model's. */
  readonly convertedFrom?: DataType;
}

export interface RunReport {
  readonly inputs: readonly InputReport[];
  readonly outputs: readonly ValueSummary[];
  readonly seed: number;
  /** Wall time of session.run alone, in milliseconds. */
  readonly runMs: number;
  /** The outputs themselves, by name. */
  readonly results: ReturnType;
}

type TensorMetadata = Extract<InferenceSession['inputMetadata'][number], { isTensor: true }>;

function checkInputNames(session: InferenceSession, given: Iterable<string>): void {
  const unknown = [...given].filter((name) => !session.inputNames.includes(name));
  if (unknown.length > 0) {
    throw new InvalidFeedError(
      `the model has no input${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; ` +
        `its inputs are: ${session.inputNames.join(', ') || '(none)'}`,
    );
  }
}

function checkDimNames(session: InferenceSession, names: Iterable<string>): void {
  const symbolic = new Set(session.inputMetadata.flatMap((m) => (m.isTensor ? m.shape.filter((d): d is string => typeof d === 'string' && d !== '') : [])));
  const unknown = [...names].filter((name) => !symbolic.has(name));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `no input has a dimension named ${unknown.map((n) => `'${n}'`).join(', ')}; ` +
        `the inputs' symbolic dimensions are: ${[...symbolic].join(', ') || '(none)'}`,
    );
  }
}

async function readGiven(name: string, source: InputSource, declared: DataType | undefined): Promise<{ tensor: DenseTensor; report: InputReport }> {
  const read = await source.read(declared);
  let tensor = read;
  if (declared && read.type !== declared) {
    const widened = widenLosslessly(read, declared);
    if (!widened) {
      throw new InvalidFeedError(
        `input '${name}' is ${declared} in the model, but ${source.label} holds ${read.type}, ` +
          `which does not convert to ${declared} without loss: save the data as ${declared}`,
      );
    }
    tensor = widened;
  }
  const report = { name, type: tensor.type, shape: [...tensor.dims], source: source.label, ...(tensor === read ? {} : { convertedFrom: read.type }) };
  return { tensor, report };
}

function bindSymbols(meta: TensorMetadata, dims: readonly number[], symbols: Map<string, number>): void {
  if (meta.shape.length !== dims.length) return;
  meta.shape.forEach((d, axis) => {
    // An unknown dim reads '' and binds nothing across inputs.
    if (typeof d === 'string' && d !== '' && !symbols.has(d)) symbols.set(d, dims[axis]);
  });
}

export async function runModel(session: InferenceSession, options: RunModelOptions = {}): Promise<RunReport> {
  const given = options.inputs ?? new Map<string, InputSource>();
  checkInputNames(session, given.keys());
  checkDimNames(session, options.dims?.keys() ?? []);
  const seed = options.seed ?? 0;
  const random = new SeededRandom(seed);
  const symbols = new Map(options.dims ?? []);
  const feeds: Record<string, Tensor> = {};
  const reports = new Map<string, InputReport>();

  for (const meta of session.inputMetadata) {
    const source = given.get(meta.name);
    if (!source) continue;
    const { tensor, report } = await readGiven(meta.name, source, meta.isTensor ? (meta.type as DataType) : undefined);
    if (meta.isTensor) bindSymbols(meta, tensor.dims, symbols);
    feeds[meta.name] = publicFromDense(tensor);
    reports.set(meta.name, report);
  }
  for (const meta of session.inputMetadata) {
    if (given.has(meta.name)) continue;
    if (!meta.isTensor) {
      throw new InvalidFeedError(
        `input '${meta.name}' is not declared as a tensor of a known element type (it may be a sequence, map or optional), ` +
          'so no random data can be made for it: feed it from a file',
      );
    }
    const type = meta.type as DataType;
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : symbols.get(d) ?? 1));
    if (dims.some((d) => d < 0)) {
      throw new InvalidFeedError(`input '${meta.name}' has shape ${formatShape(meta.shape)}, which gives no size for random data`);
    }
    feeds[meta.name] = publicFromDense(randomTensor(type, dims, random));
    reports.set(meta.name, { name: meta.name, type, shape: dims, source: 'random' });
  }

  const start = performance.now();
  const results = await session.run(feeds);
  const runMs = performance.now() - start;
  return {
    inputs: session.inputNames.map((name) => reports.get(name) as InputReport),
    outputs: session.outputNames.filter((name) => name in results).map((name) => summarizeValue(name, results[name])),
    seed,
    runMs,
    results,
  };
}
