/** RNN: Ht = f(Xt·W^T + Ht-1·R^T + Wb + Rb), f defaulting to Tanh. */
import type { KernelDefinition } from '../kernel.js';
import { gateProduct, summedBias, type Cell } from './cell.js';
import { activateGates } from './gate-activations.js';
import { RECURRENT_OPSET_RANGES, recurrentKernels } from './recurrent-kernel.js';

const rnnCell: Cell = {
  shape: { gates: 1, states: 1 },
  projectionBias: (b, offset, hidden) => summedBias(b, offset, hidden),
  direction(context) {
    const { batch, hidden, clip, gates, gateStride } = context;
    const [f] = context.activations;
    const [h] = context.states;
    const product = gateProduct(context, h, 0, 1);
    return (step) => {
      product.run(step.offset);
      const { active } = step;
      for (let b = 0; b < batch; b++) {
        if (!active[b]) continue;
        const row = step.offset + b * gateStride;
        const s = b * hidden;
        activateGates(f, gates, row, hidden, clip);
        for (let j = 0; j < hidden; j++) h[s + j] = gates[row + j];
      }
    };
  },
};

export const rnnKernels: KernelDefinition[] = recurrentKernels('RNN', ['Tanh'], RECURRENT_OPSET_RANGES, () => rnnCell);
