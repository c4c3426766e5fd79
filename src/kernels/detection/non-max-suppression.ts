/**
 * NonMaxSuppression: per batch and class, the boxes scoring above score_threshold are visited
 * from the highest score (the lower box index first on ties); a box is selected unless its IoU
 * with an already selected box of that class exceeds iou_threshold, until
 * max_output_boxes_per_class are selected. The output lists [batch, class, box] triples by
 * batch, then class, then selection order. Opsets 10 and 11 differ only in documentation.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { optionalTensorInput, scalarOf, tensorInput } from '../support/inputs.js';
import { boxExtent, overlapsBeyond, type BoxExtent } from './box-overlap.js';

interface NmsAttributes {
  readonly centerPointBox: boolean;
}

function floatScalar(inputs: KernelInputs, index: number, what: string): number | undefined {
  const t = optionalTensorInput(inputs, index, what);
  if (t === undefined) return undefined;
  if (t.size !== 1) throw new KernelInputError(`${what} must hold one value, got ${t.describe()}`);
  return (t.data as Float32Array)[0];
}

/** Indices of the boxes one class keeps, in selection order. */
function selectForClass(scores: Float32Array, scoreBase: number, extents: readonly BoxExtent[], limit: number, iouThreshold: number, scoreThreshold: number | undefined): number[] {
  const candidates: number[] = [];
  for (let i = 0; i < extents.length; i++) {
    if (scoreThreshold === undefined || scores[scoreBase + i] > scoreThreshold) candidates.push(i);
  }
  candidates.sort((a, b) => scores[scoreBase + b] - scores[scoreBase + a] || a - b);
  const selected: number[] = [];
  for (const candidate of candidates) {
    if (selected.length >= limit) break;
    if (!selected.some((s) => overlapsBeyond(extents[candidate], extents[s], iouThreshold))) selected.push(candidate);
  }
  return selected;
}

export const nonMaxSuppressionKernels: KernelDefinition[] = [
  kernel<NmsAttributes>({
    domain: '',
    opType: 'NonMaxSuppression',
    sinceVersion: 10,
    typeConstraints: [
      { input: 0, types: ['float32'] },
      { input: 1, types: ['float32'] },
      { input: 2, types: ['int64'] },
      { input: 3, types: ['float32'] },
      { input: 4, types: ['float32'] },
    ],
    parseAttributes(attrs) {
      const centerPointBox = attrs.int('center_point_box', 0);
      if (centerPointBox !== 0 && centerPointBox !== 1) {
        throw new KernelInputError(`attribute 'center_point_box' must be 0 or 1, got ${centerPointBox}`);
      }
      return { centerPointBox: centerPointBox === 1 };
    },
    run(inputs, { centerPointBox }) {
      const boxes = tensorInput(inputs, 0, 'boxes');
      const scores = tensorInput(inputs, 1, 'scores');
      if (boxes.rank !== 3 || boxes.dims[2] !== 4) throw new KernelInputError(`boxes must have shape [batches, boxes, 4], got ${formatShape(boxes.dims)}`);
      if (scores.rank !== 3) throw new KernelInputError(`scores must have shape [batches, classes, boxes], got ${formatShape(scores.dims)}`);
      const [batches, boxCount] = boxes.dims;
      const classes = scores.dims[1];
      if (scores.dims[0] !== batches || scores.dims[2] !== boxCount) {
        throw new KernelInputError(`scores ${formatShape(scores.dims)} do not match boxes ${formatShape(boxes.dims)}: expected [${batches}, classes, ${boxCount}]`);
      }
      const maxInput = optionalTensorInput(inputs, 2, 'max_output_boxes_per_class');
      const limit = Math.min(maxInput ? scalarOf(maxInput, 'max_output_boxes_per_class') : 0, boxCount);
      const iouThreshold = floatScalar(inputs, 3, 'iou_threshold') ?? 0;
      if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new KernelInputError(`iou_threshold must be in [0, 1], got ${iouThreshold}`);
      const scoreThreshold = floatScalar(inputs, 4, 'score_threshold');

      const boxData = boxes.data as Float32Array;
      const scoreData = scores.data as Float32Array;
      const triples: number[] = [];
      for (let b = 0; b < batches && limit > 0; b++) {
        const extents = Array.from({ length: boxCount }, (_, i) => boxExtent(boxData, b * boxCount + i, centerPointBox));
        for (let c = 0; c < classes; c++) {
          for (const box of selectForClass(scoreData, (b * classes + c) * boxCount, extents, limit, iouThreshold, scoreThreshold)) {
            triples.push(b, c, box);
          }
        }
      }
      return [new DenseTensor('int64', [triples.length / 3, 3], BigInt64Array.from(triples, BigInt))];
    },
  }),
];
