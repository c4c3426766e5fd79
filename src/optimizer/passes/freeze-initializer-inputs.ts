/**
 * Initializers that are also listed as main-graph inputs become plain initializers (constants).
 * Before IR version 4 every initializer had to be listed as an input, so the listing says
 * nothing and they are constants (as onnxruntime's Graph::CanOverrideInitializer says): the
 * model is written back at IR 4, where leaving them out of the inputs means just that. From
 * IR 4 on a feed may override them, so they stay inputs unless the caller asks to freeze them
 * (OptimizeOptions.freezeInitializerInputs): old exporters list every weight this way, which
 * keeps Conv + BatchNormalization folding and constant folding from firing.
 */
import type { Model } from '../../ir/graph.js';
import type { OptimizerPass, PassContext } from '../pass.js';

/** The first IR version whose graph inputs may omit initializers, making listed ones overridable. */
const OVERRIDABLE_SINCE_IR = 4;

export const freezeInitializerInputs: OptimizerPass = {
  name: 'FreezeInitializerInputs',
  level: 'basic',
  run(model: Model, context: PassContext): Model | 'unchanged' {
    if (model.irVersion >= OVERRIDABLE_SINCE_IR && !context.freezeInitializerInputs) return 'unchanged';
    const { graph } = model;
    const inputs = graph.inputs.filter((i) => !graph.initializers.has(i.name));
    if (inputs.length === graph.inputs.length) return 'unchanged';
    context.fired(graph.inputs.length - inputs.length);
    return { ...model, irVersion: Math.max(model.irVersion, OVERRIDABLE_SINCE_IR), graph: { ...graph, inputs } };
  },
};
