/** `onnxts run MODEL`: one inference with inputs from files or seeded random data, outputs summarized. */
import type { Command } from 'commander';
import { InferenceSession } from '../../api/inference-session.js';
import type { Tensor } from '../../api/tensor.js';
import { denseFromPublic } from '../../api/value-conversion.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import { join } from '../../platform/node-files.js';
import { formatRunReport, runReportJson } from '../../tools/format-run-report.js';
import { toJsonText } from '../../tools/json-text.js';
import { runModel, type InputSource } from '../../tools/run-model.js';
import { npyFileNames } from '../tensor-files/output-file-names.js';
import { readTensorFile, writeNpyFile } from '../tensor-files/tensor-file.js';

interface RunCommandOptions {
  input?: string[];
  outputDir?: string;
  json?: boolean;
  seed: string;
  dim?: string[];
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function assignments(specs: readonly string[] | undefined, option: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of specs ?? []) {
    const at = spec.indexOf('=');
    if (at <= 0 || at === spec.length - 1) throw new InvalidArgumentError(`${option} '${spec}' is not NAME=VALUE`);
    const name = spec.slice(0, at);
    if (out.has(name)) throw new InvalidArgumentError(`${option} gives '${name}' twice`);
    out.set(name, spec.slice(at + 1));
  }
  return out;
}

function nonNegativeInteger(text: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max) throw new InvalidArgumentError(`${what} must be an integer from 0 to ${max}, got '${text}'`);
  return n;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a model once on inputs from files (or seeded random data) and summarize its outputs')
    .argument('<model>', 'an .onnx file or URL')
    .option('--input <name=file>', 'feed input NAME from FILE: .npy, .pb (ONNX TensorProto) or .json (repeatable)', collect)
    .option('--dim <name=size>', 'size of symbolic dimension NAME in random inputs; default 1 (repeatable)', collect)
    .option('--seed <n>', 'seed of the random inputs', '0')
    .option('--output-dir <dir>', 'write each output to DIR/<output name>.npy')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', [
      '',
      'Inputs without --input get random data of their declared type and shape: floats in [0, 1),',
      'integers 0 to 9, random bools, short words for strings. A file whose element type differs',
      "from the input's is widened only when no value can change (int32 -> int64, float32 -> float64,",
      '...); anything else is an error. A JSON file holds a nested array (typed as the input is) or',
      '{"type": "float32", "dims": [2, 2], "data": [1, 2, 3, 4]}.',
      '',
      'Examples:',
      '  onnxts run model.onnx',
      '  onnxts run model.onnx --input x=x.npy --dim batch=4 --output-dir out',
      '  onnxts run model.onnx --seed 7 --json',
    ].join('\n'))
    .action(async (location: string, options: RunCommandOptions) => {
      const inputs = new Map<string, InputSource>();
      for (const [name, file] of assignments(options.input, '--input')) {
        inputs.set(name, { label: file, read: (declaredType) => readTensorFile(file, declaredType) });
      }
      const dims = new Map([...assignments(options.dim, '--dim')].map(([name, size]) => [name, nonNegativeInteger(size, `--dim ${name}`)]));
      const seed = nonNegativeInteger(options.seed, '--seed', 0xffffffff);
      const session = await InferenceSession.create(location, { freeDimensionOverrides: Object.fromEntries(dims) });
      const report = await runModel(session, { inputs, seed, dims });
      const files = new Map<string, string>();
      if (options.outputDir) {
        const names = npyFileNames(report.outputs.filter((o) => o.kind === 'tensor').map((o) => o.name));
        for (const [name, file] of names) {
          const path = join(options.outputDir, file);
          await writeNpyFile(path, denseFromPublic(report.results[name] as Tensor));
          files.set(name, path);
        }
      }
      process.stdout.write(options.json ? toJsonText({ model: location, ...runReportJson(report, files) }) + '\n' : formatRunReport(report, files));
    });
}
