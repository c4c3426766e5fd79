import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';

interface NmsCase {
  readonly batches: number;
  readonly classes: number;
  readonly boxes: number;
  readonly centerPointBox?: 0 | 1;
  readonly maxOutput?: number;
  readonly iouThreshold?: number;
  readonly scoreThreshold?: number;
  /** Scores drawn from a few values, so ties must break by box index. */
  readonly tiedScores?: boolean;
  readonly opset?: number;
}

const scalar = (v: number) => new Tensor('float32', Float32Array.from([v]), [1]);

/** Boxes clustered in a small area so many overlap; corners in either order. */
function randomBoxes(c: NmsCase, rng: Rng): Float32Array {
  const data = new Float32Array(c.batches * c.boxes * 4);
  for (let i = 0; i < c.batches * c.boxes; i++) {
    const [x, y, w, h] = [rng.uniform(0, 10), rng.uniform(0, 10), rng.uniform(0.5, 5), rng.uniform(0.5, 5)];
    if (c.centerPointBox) {
      data.set([x, y, w, h], i * 4);
    } else {
      const flip = rng.next() < 0.3;
      data.set(flip ? [y + h, x + w, y, x] : [y, x, y + h, x + w], i * 4);
    }
  }
  return data;
}

function nmsModel(c: NmsCase, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const feeds: Record<string, Tensor> = {
    boxes: new Tensor('float32', randomBoxes(c, rng), [c.batches, c.boxes, 4]),
    scores: new Tensor('float32', Float32Array.from({ length: c.batches * c.classes * c.boxes }, () => (c.tiedScores ? rng.int(0, 3) / 4 : rng.next())), [c.batches, c.classes, c.boxes]),
  };
  const names = ['boxes', 'scores', '', '', ''];
  if (c.maxOutput !== undefined) {
    names[2] = 'max_output';
    feeds.max_output = new Tensor('int64', BigInt64Array.from([BigInt(c.maxOutput)]), [1]);
  }
  if (c.iouThreshold !== undefined) {
    names[3] = 'iou_threshold';
    feeds.iou_threshold = scalar(c.iouThreshold);
  }
  if (c.scoreThreshold !== undefined) {
    names[4] = 'score_threshold';
    feeds.score_threshold = scalar(c.scoreThreshold);
  }
  while (names[names.length - 1] === '') names.pop();
  const model = buildModel({
    nodes: [{ op: 'NonMaxSuppression', inputs: names, outputs: ['selected'], attributes: { center_point_box: attr.int(c.centerPointBox ?? 0) } }],
    inputs: Object.entries(feeds).map(([name, t]) => ({ name, type: t.type, shape: [...t.dims] })),
    outputs: [{ name: 'selected', type: 'int64' }],
    opsets: { '': c.opset ?? 11 },
  });
  return { model, feeds };
}

describe('NonMaxSuppression against onnxruntime', () => {
  const rng = new Rng(5);
  const cases: NmsCase[] = Array.from({ length: 40 }, (_, i) => ({
    batches: rng.int(1, 3),
    classes: rng.int(1, 3),
    boxes: rng.int(1, 30),
    centerPointBox: (i % 2) as 0 | 1,
    maxOutput: [undefined, 0, 1, 3, 100][i % 5],
    iouThreshold: [undefined, 0, 0.3, 0.5, 1][rng.int(0, 4)],
    scoreThreshold: rng.next() < 0.5 ? undefined : rng.uniform(0, 0.8),
    tiedScores: i % 3 === 0,
    opset: i % 4 === 0 ? 10 : 11,
  }));
  it.each(cases.map((c, i) => [JSON.stringify(c), c, i] as const))('%s', async (_, c, i) => {
    const { model, feeds } = nmsModel(c, new Rng(i));
    await expectMatchesOnnxruntime(model, feeds);
  });

  it('no boxes at all', async () => {
    const { model, feeds } = nmsModel({ batches: 2, classes: 2, boxes: 0, maxOutput: 5 }, new Rng(1));
    await expectMatchesOnnxruntime(model, feeds);
  });
});

describe('NonMaxSuppression input errors', () => {
  it('an iou_threshold outside [0, 1]', async () => {
    const { model, feeds } = nmsModel({ batches: 1, classes: 1, boxes: 3, maxOutput: 2, iouThreshold: 1.5 }, new Rng(1));
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/iou_threshold must be in \[0, 1\], got 1.5/);
  });
  it('scores that do not match the boxes', async () => {
    const { feeds } = nmsModel({ batches: 1, classes: 1, boxes: 3, maxOutput: 2 }, new Rng(1));
    const unshaped = buildModel({
      nodes: [{ op: 'NonMaxSuppression', inputs: ['boxes', 'scores', 'max_output'], outputs: ['selected'] }],
      inputs: [{ name: 'boxes', type: 'float32' }, { name: 'scores', type: 'float32' }, { name: 'max_output', type: 'int64' }],
      outputs: [{ name: 'selected', type: 'int64' }],
      opsets: { '': 11 },
    });
    feeds.scores = new Tensor('float32', new Float32Array(4), [1, 1, 4]);
    await expect(runOnnxts(unshaped, feeds)).rejects.toThrow(/scores \[1,1,4\] do not match boxes \[1,3,4\]/);
  });
});
