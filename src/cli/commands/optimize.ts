/**
 * `onnxts optimize IN OUT`: runs the graph optimizer on a model file, saves the optimized
 * model (weights past protobuf's 2 GiB limit go to OUT.data beside it) and reports node
 * counts per op before and after and which passes fired how often.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors/errors.js';
import type { Model } from '../../ir/graph.js';
import { validateAndOrder } from '../../ir/validate.js';
import { defaultRegistry } from '../../kernels/default-registry.js';
import { OPTIMIZATION_LEVELS, optimizeModel, PASS_NAMES, type OptimizationLevel } from '../../optimizer/optimize-model.js';
import { platform } from '../../platform/platform.js';
import { inlineModelFunctions } from '../../plan/inline-functions.js';
import { loadModel } from '../../runtime/load-model.js';
import { saveModel } from '../../runtime/save-model.js';
import { toJsonText } from '../../tools/json-text.js';
import { summarizeModel } from '../../tools/model-summary.js';

/** Saving an unoptimized model is not optimizing it. */
const LEVELS = OPTIMIZATION_LEVELS.filter((level) => level !== 'disabled');

export interface OptimizeReport {
  readonly input: string;
  readonly output: string;
  /** The external data file written beside the output, when the weights needed one. */
  readonly externalData: string | null;
  readonly level: OptimizationLevel;
  readonly rounds: number;
  /** Nodes in the main graph and its subgraphs. */
  readonly nodes: { readonly before: number; readonly after: number };
  /** Per op (`domain:op`), most nodes before first. */
  readonly ops: readonly { readonly op: string; readonly before: number; readonly after: number }[];
  readonly passes: readonly { readonly name: string; readonly rewrites: number }[];
}

function opCounts(model: Model): Map<string, number> {
  return new Map(summarizeModel(model, defaultRegistry()).ops.map((o) => [o.op, o.count + o.inSubgraphs]));
}

export async function optimizeFile(input: string, output: string, options: { level: OptimizationLevel; disable: readonly string[] }): Promise<OptimizeReport> {
  const registry = defaultRegistry();
  // Function calls are expanded first, as sessions do, so the passes see their bodies.
  const model = inlineModelFunctions(await loadModel({ bytes: await platform().readModel(input), location: input }), registry);
  const result = optimizeModel(model, { level: options.level, registry, disabledPasses: options.disable });
  validateAndOrder(result.model.graph);
  const saved = await saveModel(result.model, output);
  const before = opCounts(model);
  const after = opCounts(result.model);
  const ops = [...new Set([...before.keys(), ...after.keys()])]
    .map((op) => ({ op, before: before.get(op) ?? 0, after: after.get(op) ?? 0 }))
    .sort((a, b) => b.before - a.before || b.after - a.after || a.op.localeCompare(b.op));
  const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);
  return {
    input,
    output,
    externalData: saved.externalData,
    level: options.level,
    rounds: result.rounds,
    nodes: { before: total(before), after: total(after) },
    ops,
    passes: [...result.fired].map(([name, rewrites]) => ({ name, rewrites })),
  };
}

export function formatOptimizeReport(report: OptimizeReport): string {
  const lines = [
    `${report.input} -> ${report.output} (level ${report.level}, ${report.rounds} rounds)`,
    ...(report.externalData ? [`weights:  ${report.externalData}`] : []),
    `nodes:    ${report.nodes.before} -> ${report.nodes.after}`,
    'passes that fired (rewrites):',
  ];
  const passWidth = Math.max(0, ...report.passes.map((p) => p.name.length));
  lines.push(...(report.passes.length === 0 ? ['  (none)'] : report.passes.map((p) => `  ${p.name.padEnd(passWidth)}  ${String(p.rewrites).padStart(6)}`)));
  const opWidth = Math.max(2, ...report.ops.map((o) => o.op.length));
  lines.push(`${'ops'.padEnd(opWidth + 2)}  before   after`);
  for (const o of report.ops) lines.push(`  ${o.op.padEnd(opWidth)}  ${String(o.before).padStart(6)}  ${String(o.after).padStart(6)}`);
  return lines.join('\n') + '\n';
}

export function parseLevel(text: string, levels: readonly OptimizationLevel[] = LEVELS): OptimizationLevel {
  if (!(levels as readonly string[]).includes(text)) throw new InvalidArgumentError(`--level must be one of ${levels.join(', ')}, got '${text}'`);
  return text as OptimizationLevel;
}

function parsePassList(text: string): string[] {
  const names = text.split(',').map((n) => n.trim()).filter(Boolean);
  for (const name of names) {
    if (!PASS_NAMES.includes(name)) throw new InvalidArgumentError(`--disable names '${name}', which is no optimizer pass (passes: ${PASS_NAMES.join(', ')})`);
  }
  return names;
}

export function registerOptimize(program: Command): void {
  program
    .command('optimize')
    .description('optimize a model (constant folding, eliminations, fusions) and save it; reports op counts and the passes that fired')
    .argument('<input>', 'an .onnx file or URL')
    .argument('<output>', 'where to write the optimized .onnx file')
    .option('--level <level>', `optimization level: ${LEVELS.join(', ')}`, 'all')
    .option('--disable <passes>', 'comma-separated pass names to skip')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', [
      '',
      `Passes: ${PASS_NAMES.join(', ')}.`,
      'Fused com.microsoft ops (FusedConv, FusedMatMul, Gelu...) appear only where this runtime has',
      'kernels for them; onnxruntime runs them too. Weights over 2 GiB go to OUTPUT.data beside the model.',
      '',
      'Examples:',
      '  onnxts optimize model.onnx model.opt.onnx',
      '  onnxts optimize model.onnx model.opt.onnx --level basic --disable FoldConstants --json',
    ].join('\n'))
    .action(async (input: string, output: string, options: { level: string; disable?: string; json?: boolean }) => {
      const report = await optimizeFile(input, output, { level: parseLevel(options.level), disable: parsePassList(options.disable ?? '') });
      process.stdout.write(options.json ? toJsonText(report) + '\n' : formatOptimizeReport(report));
    });
}
