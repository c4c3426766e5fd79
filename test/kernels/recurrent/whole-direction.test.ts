/**
 * LSTM and GRU directions run whole on the elementwise module (every batch entry's sequence
 * whole): the module's steps against a double-precision recurrence, and models that take that
 * path against onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { wasmGruDirectionF32, wasmLstmDirectionF32, type DirectionSteps } from '../../../src/backends/wasm/recurrent-steps-host.js';
import { InferenceSession } from '../../../src/index.js';
import { expectTensorsClose, runOnnxruntime } from '../../support/differential.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import type { Direction } from './recurrent-case.js';
import { expectCaseMatchesOnnxruntime } from './recurrent-oracle.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function randomArray(rng: Rng, length: number, scale: number): Float32Array {
  return Float32Array.from({ length }, () => (rng.next() * 2 - 1) * scale);
}

interface DirectionCase {
  readonly hidden: number;
  readonly steps: number;
  readonly batch: number;
  readonly reverse: boolean;
  /** Floats between two gate rows and two Y rows, beyond the rows themselves (other directions or batch entries). */
  readonly gateGap: number;
  readonly yGap: number;
}

/** Strides as layout 0 has them: a step's batch entries side by side, then the next step. */
function stepsOf(c: DirectionCase, gateCount: number, gates: Float32Array, r: Float32Array, y: Float32Array, yOffset: number): DirectionSteps {
  const gateBatchStep = gateCount * c.hidden + c.gateGap;
  const yBatchStep = c.hidden + c.yGap;
  return {
    gates, gatesOffset: 0, gateStep: c.batch * gateBatchStep, gateBatchStep, r, rOffset: 0, constantR: undefined,
    y, yOffset, yStep: c.batch * yBatchStep, yBatchStep, steps: c.steps, batch: c.batch, hidden: c.hidden, reverse: c.reverse,
  };
}

/** Ht-1 · R^T for `rows` rows of R. */
function product(h: readonly number[], r: Float32Array, rows: number): number[] {
  return Array.from({ length: rows }, (_, j) => h.reduce((sum, v, p) => sum + v * r[j * h.length + p], 0));
}

/** What the module leaves: each entry's Y rows by step and its final states, from a double-precision cell step. */
function reference(
  op: DirectionSteps, gates: Float32Array, states: Float32Array[],
  step: (g: (j: number) => number, state: number[][]) => number[][],
): { y: number[][][]; states: number[][][] } {
  const { hidden, steps, batch, reverse } = op;
  const perEntry = Array.from({ length: batch }, (_, b) => states.map((s) => Array.from(s.subarray(b * hidden, (b + 1) * hidden))));
  const y: number[][][] = Array.from({ length: batch }, () => []);
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const row = t * op.gateStep + b * op.gateBatchStep;
      perEntry[b] = step((j) => gates[row + j], perEntry[b]);
      y[b][t] = perEntry[b][0];
    }
  }
  return { y, states: perEntry };
}

function lstmStep(r: Float32Array, hidden: number): (g: (j: number) => number, state: number[][]) => number[][] {
  return (g, [h, c]) => {
    const p = product(h, r, 4 * hidden);
    const cell = c.map((prev, j) => sigmoid(g(2 * hidden + j) + p[2 * hidden + j]) * prev + sigmoid(g(j) + p[j]) * Math.tanh(g(3 * hidden + j) + p[3 * hidden + j]));
    return [cell.map((v, j) => sigmoid(g(hidden + j) + p[hidden + j]) * Math.tanh(v)), cell];
  };
}

function gruStep(r: Float32Array, rbh: Float32Array, hidden: number): (g: (j: number) => number, state: number[][]) => number[][] {
  return (g, [h]) => {
    const p = product(h, r, 3 * hidden);
    return [h.map((prev, j) => {
      const z = sigmoid(g(j) + p[j]);
      const reset = sigmoid(g(hidden + j) + p[hidden + j]);
      const candidate = Math.tanh(g(2 * hidden + j) + reset * (p[2 * hidden + j] + rbh[j]));
      return (1 - z) * candidate + z * prev;
    })];
  };
}

const FILL = 7;

/** Y rows and final states within 2e-5 of the reference; Y between the rows left as it was. */
function expectMatches(op: DirectionSteps, expected: ReturnType<typeof reference>, states: Float32Array[]): void {
  const { y, hidden } = op;
  const close = (got: number, want: number, what: string): void => expect(Math.abs(got - want), what).toBeLessThan(2e-5);
  const written = new Set<number>();
  for (let t = 0; t < op.steps; t++) {
    for (let b = 0; b < op.batch; b++) {
      const at = op.yOffset + t * op.yStep + b * op.yBatchStep;
      for (let j = 0; j < hidden; j++) {
        close(y[at + j], expected.y[b][t][j], `Y step ${t} entry ${b} element ${j}`);
        written.add(at + j);
      }
    }
  }
  for (let i = 0; i < y.length; i++) if (!written.has(i)) expect(y[i], `Y element ${i} outside the rows`).toBe(FILL);
  states.forEach((state, k) => {
    for (let i = 0; i < state.length; i++) close(state[i], expected.states[Math.floor(i / hidden)][k][i % hidden], `final state ${k} element ${i}`);
  });
}

function randomCases(seed: number): DirectionCase[] {
  const rng = new Rng(seed);
  return [
    { hidden: 1, steps: 4, batch: 1, reverse: false, gateGap: 0, yGap: 0 },
    { hidden: 3, steps: 7, batch: 2, reverse: true, gateGap: 12, yGap: 3 },
    { hidden: 4, steps: 33, batch: 1, reverse: true, gateGap: 12, yGap: 4 },
    { hidden: 5, steps: 9, batch: 3, reverse: false, gateGap: 20, yGap: 5 },
    { hidden: 8, steps: 1, batch: 33, reverse: false, gateGap: 0, yGap: 0 },
    { hidden: 16, steps: 1, batch: 1, reverse: false, gateGap: 0, yGap: 0 },
    { hidden: 13, steps: 20, batch: 1, reverse: true, gateGap: 0, yGap: 13 },
    { hidden: 31, steps: 2, batch: 2, reverse: false, gateGap: 3, yGap: 1 },
    ...Array.from({ length: 6 }, () => ({
      hidden: rng.int(1, 50), steps: rng.int(4, 25), batch: rng.int(1, 4), reverse: rng.next() < 0.5, gateGap: rng.int(0, 9), yGap: rng.int(0, 9),
    })),
  ];
}

describe('LSTM steps on the elementwise module', () => {
  it.each(randomCases(4100))('%j matches the double-precision recurrence', (c) => {
    const data = new Rng(c.hidden * 100 + c.steps * 10 + c.batch);
    const gates = randomArray(data, c.steps * c.batch * (4 * c.hidden + c.gateGap), 2);
    const r = randomArray(data, 4 * c.hidden * c.hidden, 1 / Math.sqrt(c.hidden));
    const states = [randomArray(data, c.batch * c.hidden, 1), randomArray(data, c.batch * c.hidden, 1)];
    const y = new Float32Array(2 + c.steps * c.batch * (c.hidden + c.yGap)).fill(FILL);
    const op = stepsOf(c, 4, gates, r, y, 2);
    const expected = reference(op, gates, states, lstmStep(r, c.hidden));
    expect(wasmLstmDirectionF32(op, states[0], states[1]), 'the module runs here').toBe(true);
    expectMatches(op, expected, states);
  });

  it('leaves fewer than 4 products with a large R to the per-step path', () => {
    const c = { hidden: 40, steps: 3, batch: 1, reverse: false, gateGap: 0, yGap: 0 };
    const op = stepsOf(c, 4, new Float32Array(3 * 160), new Float32Array(160 * 40), new Float32Array(3 * 40), 0);
    expect(wasmLstmDirectionF32(op, new Float32Array(40), new Float32Array(40))).toBe(false);
  });
});

describe('GRU steps on the elementwise module', () => {
  it.each(randomCases(4300))('%j matches the double-precision recurrence', (c) => {
    const data = new Rng(c.hidden * 100 + c.steps * 10 + c.batch + 7);
    const gates = randomArray(data, c.steps * c.batch * (3 * c.hidden + c.gateGap), 2);
    const r = randomArray(data, 3 * c.hidden * c.hidden, 1 / Math.sqrt(c.hidden));
    const bias = randomArray(data, 3 + c.hidden, 1);
    const h = randomArray(data, c.batch * c.hidden, 1);
    const y = new Float32Array(c.steps * c.batch * (c.hidden + c.yGap)).fill(FILL);
    const op = stepsOf(c, 3, gates, r, y, 0);
    const expected = reference(op, gates, [h], gruStep(r, bias.subarray(3), c.hidden));
    expect(wasmGruDirectionF32(op, h, bias, 3), 'the module runs here').toBe(true);
    expectMatches(op, expected, [h]);
  });
});

describe('models that run whole directions, against onnxruntime', () => {
  const directions: Direction[] = ['forward', 'reverse', 'bidirectional'];
  const linearBeforeReset = { linear_before_reset: attr.int(1) };
  // [seed, hidden, seq, batch, input]: sizes not multiples of 4, one-step and one-entry calls, a large R over one step (the per-step path).
  const sizes = [[1, 13, 9, 1, 7], [2, 48, 20, 1, 33], [3, 6, 4, 3, 5], [4, 21, 15, 2, 3], [5, 8, 1, 33, 8], [6, 16, 1, 1, 8], [7, 40, 1, 1, 9]];
  it.each(directions)('LSTM %s', async (direction) => {
    for (const [seed, hidden, seq, batch, input] of sizes) {
      const rng = new Rng(4200 + seed);
      await expectCaseMatchesOnnxruntime({ op: 'LSTM', direction, seq, batch, input, hidden, bias: true, initialStates: seed % 2 === 0 }, rng);
    }
  });

  it.each(directions)('GRU linear_before_reset %s, with and without B', async (direction) => {
    for (const [seed, hidden, seq, batch, input] of sizes) {
      const rng = new Rng(4400 + seed);
      await expectCaseMatchesOnnxruntime({ op: 'GRU', direction, seq, batch, input, hidden, bias: seed !== 3, initialStates: seed % 2 === 0, attributes: linearBeforeReset }, rng);
    }
  });

  it.each(['LSTM', 'GRU'] as const)('%s layout 1 and sequence_lens of whole sequences', async (op) => {
    const rng = new Rng(4210);
    const attributes = op === 'GRU' ? linearBeforeReset : undefined;
    await expectCaseMatchesOnnxruntime({
      op, direction: 'bidirectional', seq: 12, batch: 3, input: 10, hidden: 17, layout: 1, bias: true, initialStates: true, sequenceLens: [12, 12, 12], attributes,
    }, rng);
  });
});

describe('constant R kept in the heap across runs', () => {
  // Hidden 40: R's 4 x 40 x 40 floats are past what a one-step call would copy, so only a constant R takes these one-step calls.
  it.each([['LSTM', 4], ['GRU', 3]] as const)('%s one-step calls of one session against onnxruntime', async (op, gates) => {
    const rng = new Rng(4500 + gates);
    const [input, hidden] = [9, 40];
    const model = buildModel({
      nodes: [{
        op, inputs: ['X', 'W', 'R', 'B', '', 'h0'], outputs: ['Y', 'Y_h'],
        attributes: { hidden_size: attr.int(hidden), direction: attr.string('bidirectional'), ...(op === 'GRU' ? { linear_before_reset: attr.int(1) } : {}) },
      }],
      inputs: [{ name: 'X', type: 'float32', shape: [1, 1, input] }, { name: 'h0', type: 'float32', shape: [2, 1, hidden] }],
      outputs: [{ name: 'Y', type: 'float32' }, { name: 'Y_h', type: 'float32' }],
      initializers: {
        W: randomDense('float32', [2, gates * hidden, input], rng, -0.5, 0.5),
        R: randomDense('float32', [2, gates * hidden, hidden], rng, -0.3, 0.3),
        B: randomDense('float32', [2, 2 * gates * hidden], rng, -0.5, 0.5),
      },
      opsets: { '': 14 },
    });
    const session = await InferenceSession.create(model);
    for (let run = 0; run < 4; run++) {
      const feeds = { X: randomTensor('float32', [1, 1, input], rng, -2, 2), h0: randomTensor('float32', [2, 1, hidden], rng, -1, 1) };
      const ours = await session.run(feeds);
      const theirs = await runOnnxruntime(model, feeds);
      for (const name of ['Y', 'Y_h']) expectTensorsClose(ours[name], theirs[name], { rtol: 1e-4, atol: 1e-5 }, `${op} run ${run} ${name}`);
    }
  });
});
