/**
 * One ONNX backend-format test folder: model.onnx plus test_data_set_N/{input,output}_K.pb.
 * Inputs bind to the graph inputs that are not initializers, in order; outputs to the graph
 * outputs. The folder is read through `files` so the logic runs anywhere.
 */
import { CompiledModel, type CompileOptions } from '../runtime/compiled-model.js';
import { loadModel } from '../runtime/load-model.js';
import { defaultRegistry } from '../kernels/default-registry.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { ValueType } from '../ir/value-type.js';
import { decodeSerializedValue, type SerializedKind } from '../onnx/value-from-proto.js';
import type { Value } from '../tensor/value.js';
import { BACKEND_TEST_TOLERANCE, compareValues, type Tolerance } from './compare.js';

export interface TestFolderFiles {
  /** Names of the entries in a folder of the test (relative path, '' for the test folder). */
  list(relative: string): Promise<string[]>;
  read(relative: string): Promise<Uint8Array>;
  /** Location of model.onnx, for resolving external data. */
  modelLocation: string;
}

export interface TestOutcome {
  readonly passed: boolean;
  /** Why it failed: the first mismatch or the error, one line. */
  readonly reason?: string;
}

function kindOf(type: ValueType | undefined): SerializedKind {
  if (type?.kind === 'sequence') return 'sequence';
  if (type?.kind === 'optional') return 'optional';
  if (type?.kind === 'map') return 'map';
  return 'tensor';
}

function numbered(names: string[], prefix: string): string[] {
  const re = new RegExp(`^${prefix}_(\\d+)\\.pb$`);
  return names
    .map((n) => ({ n, k: re.exec(n)?.[1] }))
    .filter((x): x is { n: string; k: string } => x.k !== undefined)
    .sort((a, b) => Number(a.k) - Number(b.k))
    .map((x) => x.n);
}

export async function runTestFolder(
  files: TestFolderFiles,
  tolerance: Tolerance = BACKEND_TEST_TOLERANCE,
  registry: KernelRegistry = defaultRegistry(),
  compileOptions: CompileOptions = {},
): Promise<TestOutcome> {
  const model = await loadModel({ bytes: await files.read('model.onnx'), location: files.modelLocation });
  const compiled = CompiledModel.compile(model, registry, compileOptions);
  const inputs = compiled.plan.inputs.filter((i) => !i.defaultValue);
  const sets = (await files.list('')).filter((n) => n.startsWith('test_data_set_')).sort();
  if (sets.length === 0) return { passed: false, reason: 'no test_data_set_N folders' };
  for (const set of sets) {
    const names = await files.list(set);
    const inputFiles = numbered(names, 'input');
    const outputFiles = numbered(names, 'output');
    const feeds = new Map<number, Value>();
    for (let k = 0; k < inputFiles.length; k++) {
      const input = inputs[k];
      if (!input) return { passed: false, reason: `${set}: ${inputFiles.length} inputs given, the model takes ${inputs.length}` };
      feeds.set(input.slot, decodeSerializedValue(await files.read(`${set}/${inputFiles[k]}`), kindOf(input.type)));
    }
    const produced = await compiled.run(feeds);
    for (let k = 0; k < outputFiles.length; k++) {
      const output = compiled.plan.outputs[k];
      if (!output) return { passed: false, reason: `${set}: more expected outputs than the model has` };
      const expected = decodeSerializedValue(await files.read(`${set}/${outputFiles[k]}`), kindOf(output.type));
      const mismatch = compareValues(expected, produced[k], tolerance, `${set} output '${output.name}'`);
      if (mismatch) return { passed: false, reason: mismatch };
    }
  }
  return { passed: true };
}
