/**
 * LSTM and GRU directions run whole on the elementwise module (batch 1, every step active): the
 * module's steps against a double-precision recurrence, and models that take that path against
 * onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { wasmGruDirectionF32, wasmLstmDirectionF32 } from '../../../src/backends/wasm/recurrent-steps-host.js';
import { Rng } from '../../support/random.js';
import { attr } from '../../support/model-builder.js';
import { expectCaseMatchesOnnxruntime } from './recurrent-oracle.js';
import type { Direction } from './recurrent-case.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function randomArray(rng: Rng, length: number, scale: number): Float32Array {
  return Float32Array.from({ length }, () => (rng.next() * 2 - 1) * scale);
}

interface DirectionCase {
  readonly hidden: number;
  readonly steps: number;
  readonly reverse: boolean;
  /** Floats between two steps' gate rows and Y rows, beyond the rows themselves (other directions or batch entries). */
  readonly gateGap: number;
  readonly yGap: number;
}

/** The recurrence the module runs, in double precision: Y rows, final h and c. */
function reference(c: DirectionCase, gates: Float32Array, r: Float32Array, h0: Float32Array, c0: Float32Array, gateStep: number): { y: number[][]; h: number[]; c: number[] } {
  const { hidden, steps, reverse } = c;
  let h = Array.from(h0);
  const cell = Array.from(c0);
  const y: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const g = Array.from({ length: 4 * hidden }, (_, j) => {
      let sum = gates[t * gateStep + j];
      for (let p = 0; p < hidden; p++) sum += h[p] * r[j * hidden + p];
      return sum;
    });
    const next: number[] = [];
    for (let j = 0; j < hidden; j++) {
      cell[j] = sigmoid(g[2 * hidden + j]) * cell[j] + sigmoid(g[j]) * Math.tanh(g[3 * hidden + j]);
      next.push(sigmoid(g[hidden + j]) * Math.tanh(cell[j]));
    }
    h = next;
    y[t] = next;
  }
  return { y, h, c: cell };
}

describe('LSTM steps on the elementwise module', () => {
  const rng = new Rng(4100);
  const cases: DirectionCase[] = [
    { hidden: 1, steps: 4, reverse: false, gateGap: 0, yGap: 0 },
    { hidden: 3, steps: 7, reverse: true, gateGap: 12, yGap: 3 },
    { hidden: 4, steps: 5, reverse: false, gateGap: 0, yGap: 0 },
    { hidden: 5, steps: 9, reverse: false, gateGap: 20, yGap: 5 },
    { hidden: 13, steps: 20, reverse: true, gateGap: 0, yGap: 13 },
    { hidden: 48, steps: 16, reverse: false, gateGap: 192, yGap: 48 },
    { hidden: 33, steps: 11, reverse: true, gateGap: 7, yGap: 1 },
    ...Array.from({ length: 6 }, () => ({ hidden: rng.int(1, 70), steps: rng.int(4, 30), reverse: rng.next() < 0.5, gateGap: rng.int(0, 9), yGap: rng.int(0, 9) })),
  ];
  it('leaves directions of fewer than 4 steps to the per-step path', () => {
    const hidden = 3;
    const y = new Float32Array(3 * hidden);
    const operands = {
      gates: new Float32Array(12 * hidden), gatesOffset: 0, gateStep: 4 * hidden, r: new Float32Array(4 * hidden * hidden), rOffset: 0,
      y, yOffset: 0, yStep: hidden, steps: 3, hidden, reverse: false,
    };
    expect(wasmLstmDirectionF32(operands, new Float32Array(hidden), new Float32Array(hidden))).toBe(false);
  });

  it.each(cases)('%j matches the double-precision recurrence', (c) => {
    const data = new Rng(c.hidden * 100 + c.steps);
    const width = 4 * c.hidden;
    const gateStep = width + c.gateGap;
    const yStep = c.hidden + c.yGap;
    const gates = randomArray(data, c.steps * gateStep, 2);
    const r = randomArray(data, width * c.hidden, 1 / Math.sqrt(c.hidden));
    const h0 = randomArray(data, c.hidden, 1);
    const c0 = randomArray(data, c.hidden, 1);
    const expected = reference(c, gates, r, h0, c0, gateStep);
    const yOffset = 2;
    const y = new Float32Array(yOffset + c.steps * yStep).fill(7);
    const h = h0.slice();
    const cell = c0.slice();
    const ran = wasmLstmDirectionF32({ gates, gatesOffset: 0, gateStep, r, rOffset: 0, y, yOffset, yStep, steps: c.steps, hidden: c.hidden, reverse: c.reverse }, h, cell);
    expect(ran, 'the module runs here').toBe(true);
    const close = (got: number, want: number, what: string): void => expect(Math.abs(got - want), what).toBeLessThan(2e-5);
    for (let t = 0; t < c.steps; t++) {
      for (let j = 0; j < c.hidden; j++) close(y[yOffset + t * yStep + j], expected.y[t][j], `Y step ${t} element ${j}`);
      // Y between the steps' rows (another direction's or batch entry's) stays as it was.
      for (let j = c.hidden; j < yStep && t < c.steps - 1; j++) expect(y[yOffset + t * yStep + j]).toBe(7);
    }
    expect(y[0]).toBe(7);
    for (let j = 0; j < c.hidden; j++) {
      close(h[j], expected.h[j], `final h ${j}`);
      close(cell[j], expected.c[j], `final c ${j}`);
    }
  });
});

describe('LSTM models that run whole directions, against onnxruntime', () => {
  const directions: Direction[] = ['forward', 'reverse', 'bidirectional'];
  it.each(directions)('%s, batch 1, hidden and sizes not multiples of 4', async (direction) => {
    for (const [seed, hidden, seq, input] of [[1, 13, 9, 7], [2, 48, 20, 33], [3, 6, 4, 5], [4, 21, 15, 3]]) {
      const rng = new Rng(4200 + seed);
      await expectCaseMatchesOnnxruntime({ op: 'LSTM', direction, seq, batch: 1, input, hidden, bias: true, initialStates: seed % 2 === 0 }, rng);
    }
  });

  it('layout 1 and sequence_lens of the whole sequence', async () => {
    const rng = new Rng(4210);
    await expectCaseMatchesOnnxruntime({
      op: 'LSTM', direction: 'bidirectional', seq: 12, batch: 1, input: 10, hidden: 17, layout: 1, bias: true, initialStates: true, sequenceLens: [12],
    }, rng);
  });
});

/** GRU with linear_before_reset in double precision: Y rows and the final h. */
function gruReference(c: DirectionCase, gates: Float32Array, r: Float32Array, rbh: Float32Array, h0: Float32Array, gateStep: number): { y: number[][]; h: number[] } {
  const { hidden, steps, reverse } = c;
  let h = Array.from(h0);
  const y: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const product = Array.from({ length: 3 * hidden }, (_, j) => {
      let sum = 0;
      for (let p = 0; p < hidden; p++) sum += h[p] * r[j * hidden + p];
      return sum;
    });
    const next = h.map((prev, j) => {
      const z = sigmoid(gates[t * gateStep + j] + product[j]);
      const reset = sigmoid(gates[t * gateStep + hidden + j] + product[hidden + j]);
      const candidate = Math.tanh(gates[t * gateStep + 2 * hidden + j] + reset * (product[2 * hidden + j] + rbh[j]));
      return (1 - z) * candidate + z * prev;
    });
    h = next;
    y[t] = next;
  }
  return { y, h };
}

describe('GRU steps on the elementwise module', () => {
  const rng = new Rng(4300);
  const cases: DirectionCase[] = [
    { hidden: 1, steps: 4, reverse: false, gateGap: 0, yGap: 0 },
    { hidden: 4, steps: 33, reverse: true, gateGap: 12, yGap: 4 },
    { hidden: 5, steps: 9, reverse: false, gateGap: 3, yGap: 5 },
    { hidden: 16, steps: 6, reverse: true, gateGap: 0, yGap: 0 },
    { hidden: 27, steps: 13, reverse: false, gateGap: 81, yGap: 27 },
    ...Array.from({ length: 6 }, () => ({ hidden: rng.int(1, 40), steps: rng.int(4, 40), reverse: rng.next() < 0.5, gateGap: rng.int(0, 9), yGap: rng.int(0, 9) })),
  ];
  it.each(cases)('%j matches the double-precision recurrence', (c) => {
    const data = new Rng(c.hidden * 100 + c.steps + 7);
    const width = 3 * c.hidden;
    const gateStep = width + c.gateGap;
    const yStep = c.hidden + c.yGap;
    const gates = randomArray(data, c.steps * gateStep, 2);
    const r = randomArray(data, width * c.hidden, 1 / Math.sqrt(c.hidden));
    const bias = randomArray(data, 3 + c.hidden, 1);
    const h0 = randomArray(data, c.hidden, 1);
    const expected = gruReference(c, gates, r, bias.subarray(3), h0, gateStep);
    const y = new Float32Array(c.steps * yStep).fill(7);
    const h = h0.slice();
    const ran = wasmGruDirectionF32({ gates, gatesOffset: 0, gateStep, r, rOffset: 0, y, yOffset: 0, yStep, steps: c.steps, hidden: c.hidden, reverse: c.reverse }, h, bias, 3);
    expect(ran, 'the module runs here').toBe(true);
    const close = (got: number, want: number, what: string): void => expect(Math.abs(got - want), what).toBeLessThan(2e-5);
    for (let t = 0; t < c.steps; t++) {
      for (let j = 0; j < c.hidden; j++) close(y[t * yStep + j], expected.y[t][j], `Y step ${t} element ${j}`);
      for (let j = c.hidden; j < yStep && t < c.steps - 1; j++) expect(y[t * yStep + j]).toBe(7);
    }
    for (let j = 0; j < c.hidden; j++) close(h[j], expected.h[j], `final h ${j}`);
  });
});

describe('GRU models that run whole directions, against onnxruntime', () => {
  const directions: Direction[] = ['forward', 'reverse', 'bidirectional'];
  const linearBeforeReset = { linear_before_reset: attr.int(1) };
  it.each(directions)('%s, batch 1, with and without B and initial_h', async (direction) => {
    for (const [seed, hidden, seq, input] of [[1, 4, 33, 8], [2, 13, 9, 7], [3, 6, 4, 5], [4, 21, 15, 3]]) {
      const rng = new Rng(4400 + seed);
      await expectCaseMatchesOnnxruntime({ op: 'GRU', direction, seq, batch: 1, input, hidden, bias: seed !== 3, initialStates: seed % 2 === 0, attributes: linearBeforeReset }, rng);
    }
  });

  it('layout 1', async () => {
    const rng = new Rng(4410);
    await expectCaseMatchesOnnxruntime({ op: 'GRU', direction: 'bidirectional', seq: 12, batch: 1, input: 10, hidden: 17, layout: 1, bias: true, initialStates: true, attributes: linearBeforeReset }, rng);
  });
});
