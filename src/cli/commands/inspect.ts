/** `onnxts inspect MODEL`: what a model holds and which of its ops this runtime has kernels for. */
import type { Command } from 'commander';
import { defaultRegistry } from '../../kernels/default-registry.js';
import { platform } from '../../platform/platform.js';
import { loadModel } from '../../runtime/load-model.js';
import { formatModelSummary } from '../../tools/format-model-summary.js';
import { toJsonText } from '../../tools/json-text.js';
import { summarizeModel } from '../../tools/model-summary.js';
import { activationPlan } from '../../tools/activation-plan.js';
import { formatBytes } from '../../tools/format-model-summary.js';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show a model: producer, IR version, opsets, functions, inputs and outputs, op counts with kernel support, weights')
    .argument('<model>', 'an .onnx file or URL')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', [
      '',
      'Ops are counted in the main graph, in subgraphs (If/Loop/Scan bodies) and in model-local',
      'functions; ops with no kernel in this runtime are marked NO KERNEL and listed as unsupported.',
      '',
      'Examples:',
      '  onnxts inspect model.onnx',
      '  onnxts inspect model.onnx --json',
    ].join('\n'))
    .action(async (location: string, options: { json?: boolean }) => {
      const model = await loadModel({ bytes: await platform().readModel(location), location });
      const registry = defaultRegistry();
      const summary = summarizeModel(model, registry);
      const unsupported = summary.unsupportedOps.length > 0;
      // Shapes come from optimizing the model, which needs a kernel for every op.
      const plan = unsupported ? null : activationPlan(model, registry);
      const planLine = plan
        ? `activation plan: peak ${formatBytes(plan.peakBytes)} (${formatBytes(plan.totalBytesWithoutReuse)} without reuse, symbolic dims at 1` +
          `${plan.unsizedValues > 0 ? `; ${plan.unsizedValues} values of unknown shape left out` : ''})\n`
        : '';
      process.stdout.write(options.json ? toJsonText({ model: location, ...summary, plan }) + '\n' : formatModelSummary(summary, location) + planLine);
    });
}
