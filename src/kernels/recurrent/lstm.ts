/**
 * LSTM, gates in W/R/B order i, o, f, c and peepholes P in order i, o, f (f = Sigmoid,
 * g = h = Tanh by default):
 *   i = f(Xt·Wi^T + Ht-1·Ri^T + Pi (.) Ct-1 + Wbi + Rbi)
 *   f = f(Xt·Wf^T + Ht-1·Rf^T + Pf (.) Ct-1 + Wbf + Rbf), or 1 - i with input_forget
 *   c = g(Xt·Wc^T + Ht-1·Rc^T + Wbc + Rbc)
 *   Ct = f (.) Ct-1 + i (.) c
 *   o = f(Xt·Wo^T + Ht-1·Ro^T + Po (.) Ct + Wbo + Rbo)
 *   Ht = o (.) h(Ct)
 */
import type { AttributeReader } from '../attributes.js';
import type { KernelDefinition } from '../kernel.js';
import { wasmLstmDirectionF32, wholeDirectionPays } from '../../backends/wasm/recurrent-steps-host.js';
import { fastSigmoid, fastTanh } from '../support/fast-math.js';
import { clamp, directionSteps, gateProduct, summedBias, type Cell, type DirectionContext, type WholeDirection } from './cell.js';
import { activateGates, activateInPlace } from './gate-activations.js';
import { RECURRENT_OPSET_RANGES, recurrentKernels } from './recurrent-kernel.js';

function lstmCell(inputForget: boolean): Cell {
  return {
    shape: { gates: 4, states: 2 },
    projectionBias: (b, offset, hidden) => summedBias(b, offset, 4 * hidden),
    wholeDirection: (context, run) => !inputForget && wholeDirectionInWasm(context, run),
    direction(context) {
      const { batch, hidden, clip, p, pOffset, gates, gateStride } = context;
      const [f, g, hOut] = context.activations;
      const [h, c] = context.states;
      // Without peepholes or input_forget every gate's input is known before its activation.
      const plain = p === undefined && !inputForget;
      const product = gateProduct(context, h, 0, 4);
      return (step) => {
        product.run(step.offset);
        const { active } = step;
        for (let b = 0; b < batch; b++) {
          if (!active[b]) continue;
          const row = step.offset + b * gateStride;
          const s = b * hidden;
          if (plain) {
            // Gates in place: i, o and f take f, then c takes g; Ct passes through h to take hOut.
            activateGates(f, gates, row, 3 * hidden, clip);
            activateGates(g, gates, row + 3 * hidden, hidden, clip);
            for (let j = 0; j < hidden; j++) {
              const cell = gates[row + 2 * hidden + j] * c[s + j] + gates[row + j] * gates[row + 3 * hidden + j];
              c[s + j] = cell;
              h[s + j] = cell;
            }
            activateInPlace(hOut, h, s, hidden);
            for (let j = 0; j < hidden; j++) h[s + j] *= gates[row + hidden + j];
            continue;
          }
          for (let j = 0; j < hidden; j++) {
            const cPrev = c[s + j];
            const pi = p ? p[pOffset + j] : 0;
            const po = p ? p[pOffset + hidden + j] : 0;
            const pf = p ? p[pOffset + 2 * hidden + j] : 0;
            const input = f(clamp(gates[row + j] + pi * cPrev, clip));
            const forget = inputForget ? 1 - input : f(clamp(gates[row + 2 * hidden + j] + pf * cPrev, clip));
            const candidate = g(clamp(gates[row + 3 * hidden + j], clip));
            const cell = forget * cPrev + input * candidate;
            const output = f(clamp(gates[row + hidden + j] + po * cell, clip));
            c[s + j] = cell;
            h[s + j] = output * hOut(cell);
          }
        }
      };
    },
  };
}

/** Float32 operands with the default functions and no peepholes or clip: the module's steps (lstm-steps-host.ts). */
function wholeDirectionInWasm(context: DirectionContext, run: WholeDirection): boolean {
  if (!wholeDirectionPays(4, run.steps, context.batch, context.hidden, context.packedR.constant !== undefined)) return false;
  const { gates, r, states, activations, p, clip } = context;
  const [h, c] = states;
  const [f, g, hOut] = activations;
  if (p !== undefined || clip !== Infinity || f !== fastSigmoid || g !== fastTanh || hOut !== fastTanh) return false;
  if (!(gates instanceof Float32Array && r instanceof Float32Array && h instanceof Float32Array && c instanceof Float32Array && run.y instanceof Float32Array)) return false;
  return wasmLstmDirectionF32(directionSteps(context, run, gates, r, run.y), h, c);
}

export const lstmKernels: KernelDefinition[] = recurrentKernels(
  'LSTM',
  ['Sigmoid', 'Tanh', 'Tanh'],
  RECURRENT_OPSET_RANGES,
  (attrs: AttributeReader) => lstmCell(attrs.int('input_forget', 0) !== 0),
);
