/**
 * GRU, gates in W/R/B order z, r, h (f = Sigmoid, g = Tanh by default):
 *   z = f(Xt·Wz^T + Ht-1·Rz^T + Wbz + Rbz)
 *   r = f(Xt·Wr^T + Ht-1·Rr^T + Wbr + Rbr)
 *   h = g(Xt·Wh^T + (r (.) Ht-1)·Rh^T + Rbh + Wbh)        linear_before_reset = 0
 *   h = g(Xt·Wh^T + r (.) (Ht-1·Rh^T + Rbh) + Wbh)        linear_before_reset != 0
 *   Ht = (1 - z) (.) h + z (.) Ht-1
 */
import type { FloatArray } from '../linalg/gemm-core.js';
import type { KernelDefinition } from '../kernel.js';
import { wasmGruDirectionF32, wholeDirectionPays } from '../../backends/wasm/recurrent-steps-host.js';
import { directionSteps, gateProduct, RecurrentProduct, summedBias, type Cell, type DirectionContext, type Step, type WholeDirection } from './cell.js';
import { fastSigmoid, fastTanh } from '../support/fast-math.js';
import { activateGates, float32Sigmoid, float32Tanh } from './gate-activations.js';
import { RECURRENT_OPSET_RANGES, recurrentKernels, type OpsetRange } from './recurrent-kernel.js';
import { ScratchSlot } from './recurrent-scratch.js';

interface GruOpsetRange extends OpsetRange {
  /** Whether the `linear_before_reset` attribute exists (opset 3 on). */
  readonly linearBeforeReset: boolean;
}

const [BEFORE_14, ...FROM_14] = RECURRENT_OPSET_RANGES;
const GRU_OPSET_RANGES: readonly GruOpsetRange[] = [
  { ...BEFORE_14, until: 2, linearBeforeReset: false },
  { ...BEFORE_14, since: 3, linearBeforeReset: true },
  ...FROM_14.map((range) => ({ ...range, linearBeforeReset: true })),
];

function gruCell(linearBeforeReset: boolean): Cell {
  return {
    shape: { gates: 3, states: 1 },
    projectionBias(b, offset, hidden) {
      const row = summedBias(b, offset, 3 * hidden);
      // Rbh is scaled by r after the recurrent product, so it cannot join the projection.
      if (linearBeforeReset) for (let j = 0; j < hidden; j++) row[2 * hidden + j] = b[offset + 2 * hidden + j];
      return row;
    },
    direction: (context) => gruDirection(context, linearBeforeReset),
    wholeDirection: (context, run) => linearBeforeReset && wholeDirectionInWasm(context, run),
  };
}

/** Float32 operands with the default functions and no clip, linear_before_reset: the module's steps (recurrent-steps-host.ts). */
function wholeDirectionInWasm(context: DirectionContext, run: WholeDirection): boolean {
  if (!wholeDirectionPays(3, run.steps, context.batch, context.hidden, context.packedR.constant !== undefined)) return false;
  const { gates, r, states, activations, clip, hidden, b: bias } = context;
  const [h] = states;
  const [f, g] = activations;
  if (clip !== Infinity || f !== fastSigmoid || g !== fastTanh) return false;
  if (!(gates instanceof Float32Array && r instanceof Float32Array && h instanceof Float32Array && run.y instanceof Float32Array)) return false;
  // Rbh where it lies in B; no B: zeros, in the slot the per-step path uses for them.
  const rbh = bias ?? context.scratch.buffer(ScratchSlot.ZeroBias, h, 6 * hidden).fill(0);
  if (!(rbh instanceof Float32Array)) return false;
  const rbhOffset = (bias ? context.bOffset : 0) + 5 * hidden;
  return wasmGruDirectionF32(directionSteps(context, run, gates, r, run.y), h, rbh, rbhOffset);
}

function gruDirection(context: DirectionContext, linearBeforeReset: boolean): (step: Step) => void {
  return linearBeforeReset ? linearBeforeResetDirection(context) : resetBeforeLinearDirection(context);
}

/** h = g(Xt·Wh^T + r (.) (Ht-1·Rh^T + Rbh) + Wbh): one product covers all three gates. */
function linearBeforeResetDirection(context: DirectionContext): (step: Step) => void {
  const { batch, hidden, clip, b: bias, bOffset, gates, gateStride } = context;
  const [f, g] = context.activations;
  const [h] = context.states;
  const width = 3 * hidden;
  // Ht-1·R^T for the z, r and h gates: [batch, 3 * hidden], fully written by each step's product.
  const product = context.scratch.buffer(ScratchSlot.Product, h, batch * width);
  const recurrent = new RecurrentProduct(context, h, 0, 3, product, 0, width, 0);
  // Rbh read where it lies in B, not through a subarray per call; no B: zeros.
  const recurrentHBias = bias ?? context.scratch.buffer(ScratchSlot.ZeroBias, h, 6 * hidden).fill(0);
  const hBiasOffset = bias ? bOffset + 5 * hidden : 5 * hidden;
  // Float32 gates with the default functions and no clip take one fused loop: with the
  // functions called by name V8 inlines them, and tiny hidden sizes (a streaming model's 4 to 16)
  // pay nothing for separate passes.
  const fused = clip === Infinity && f === fastSigmoid && g === fastTanh && gates instanceof Float32Array;
  return (step) => {
    const { active } = step;
    recurrent.run(0);
    for (let b = 0; b < batch; b++) {
      if (!active[b]) continue;
      const row = step.offset + b * gateStride;
      const p = b * width;
      const s = b * hidden;
      if (fused) {
        for (let j = 0; j < hidden; j++) {
          const z = float32Sigmoid(gates[row + j] + product[p + j]);
          const r = float32Sigmoid(gates[row + hidden + j] + product[p + hidden + j]);
          const candidate = float32Tanh(gates[row + 2 * hidden + j] + r * (product[p + 2 * hidden + j] + recurrentHBias[hBiasOffset + j]));
          h[s + j] = (1 - z) * candidate + z * h[s + j];
        }
        continue;
      }
      // The gates' inputs, then their activations in place: z and r, then h, which needs r.
      for (let j = 0; j < 2 * hidden; j++) gates[row + j] += product[p + j];
      activateGates(f, gates, row, 2 * hidden, clip);
      for (let j = 0; j < hidden; j++) gates[row + 2 * hidden + j] += gates[row + hidden + j] * (product[p + 2 * hidden + j] + recurrentHBias[hBiasOffset + j]);
      activateGates(g, gates, row + 2 * hidden, hidden, clip);
      updateState(gates, row, h, s, hidden);
    }
  };
}

/** h = g(Xt·Wh^T + (r (.) Ht-1)·Rh^T + Rbh + Wbh): the h gate's product waits for r. */
function resetBeforeLinearDirection(context: DirectionContext): (step: Step) => void {
  const { batch, hidden, clip, gates, gateStride } = context;
  const [f, g] = context.activations;
  const [h] = context.states;
  // r (.) Ht-1: [batch, hidden] like the state.
  const scratch = context.scratch.buffer(ScratchSlot.ResetState, h, h.length);
  scratch.set(h);
  const updateAndReset = gateProduct(context, h, 0, 2);
  const candidateProduct = gateProduct(context, scratch, 2, 1);
  return (step) => {
    const { active } = step;
    updateAndReset.run(step.offset);
    for (let b = 0; b < batch; b++) {
      if (!active[b]) continue;
      const row = step.offset + b * gateStride;
      const s = b * hidden;
      activateGates(f, gates, row, 2 * hidden, clip);
      for (let j = 0; j < hidden; j++) scratch[s + j] = gates[row + hidden + j] * h[s + j];
    }
    candidateProduct.run(step.offset);
    for (let b = 0; b < batch; b++) {
      if (!active[b]) continue;
      const row = step.offset + b * gateStride;
      activateGates(g, gates, row + 2 * hidden, hidden, clip);
      updateState(gates, row, h, b * hidden, hidden);
    }
  };
}

/** Ht = (1 - z) (.) h + z (.) Ht-1, from the activated z gate at `row` and h gate at row + 2 * hidden. */
function updateState(gates: FloatArray, row: number, h: FloatArray, s: number, hidden: number): void {
  for (let j = 0; j < hidden; j++) {
    const z = gates[row + j];
    h[s + j] = (1 - z) * gates[row + 2 * hidden + j] + z * h[s + j];
  }
}

export const gruKernels: KernelDefinition[] = recurrentKernels(
  'GRU',
  ['Sigmoid', 'Tanh'],
  GRU_OPSET_RANGES,
  (attrs, range) => gruCell(range.linearBeforeReset && attrs.int('linear_before_reset', 0) !== 0),
);
