/**
 * Checks a recurrent case against onnxruntime. Its CPU kernels run only float32, only layout 0
 * and only opset 7 on, so a case outside that is compared with onnxruntime running the nearest
 * case inside it with the same semantics: the same values as float32, inputs transposed to
 * layout 0 and outputs transposed back, opset 7 for opsets 1 to 6 (which differ only in the
 * attributes the case does not use).
 */
import { expect } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { bfloat16BitsToNumber } from '../../../src/tensor/numeric/bfloat16.js';
import { float16BitsToNumber } from '../../../src/tensor/numeric/float16.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';
import type { Rng } from '../../support/random.js';
import { recurrentFeeds, recurrentModel, type RecurrentCase } from './recurrent-case.js';

interface Dense {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** A float tensor's values as float32, decoding float16 and bfloat16 bit patterns. */
function asFloat32(t: Dense): Tensor {
  const decode = t.type === 'float16' ? float16BitsToNumber : t.type === 'bfloat16' ? bfloat16BitsToNumber : Number;
  return new Tensor('float32', Float32Array.from(t.data as ArrayLike<number>, decode), [...t.dims]);
}

/**
 * Reorders the axes before the last one: output axis i is input axis perm[i]; the last axis
 * (the input or hidden vector) stays in place.
 */
function permuteOuterAxes(t: Dense, perm: readonly number[]): Tensor {
  const outer = t.dims.slice(0, -1);
  const inner = t.dims[t.dims.length - 1];
  const outDims = perm.map((axis) => outer[axis]);
  const inStrides = outer.map((_, i) => outer.slice(i + 1).reduce((p, d) => p * d, 1));
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  const count = outer.reduce((p, d) => p * d, 1);
  for (let o = 0; o < count; o++) {
    let rest = o;
    let from = 0;
    for (let i = outDims.length - 1; i >= 0; i--) {
      from += (rest % outDims[i]) * inStrides[perm[i]];
      rest = Math.floor(rest / outDims[i]);
    }
    out.set(src.subarray(from * inner, (from + 1) * inner), o * inner);
  }
  return new Tensor('float32', out, [...outDims, inner]);
}

const SWAP = [1, 0];
/** Y: [seq, dirs, batch, hidden] in layout 0, [batch, seq, dirs, hidden] in layout 1. */
const Y_TO_LAYOUT_1 = [2, 0, 1];
const LAYOUT_DEPENDENT = ['X', 'initial_h', 'initial_c'];

export async function expectCaseMatchesOnnxruntime(c: RecurrentCase, rng: Rng, tol: Tolerance = FLOAT32_TOLERANCE): Promise<void> {
  const label = `${c.op} ${JSON.stringify({ ...c, attributes: undefined })}`;
  const feeds = recurrentFeeds(c, rng);
  const batchwise = c.layout === 1;
  const reference: RecurrentCase = { ...c, type: 'float32', layout: undefined, opset: Math.max(c.opset ?? 14, 7) };
  const referenceFeeds: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const values = t.type === 'int32' ? t : asFloat32(t);
    referenceFeeds[name] = batchwise && LAYOUT_DEPENDENT.includes(name) ? permuteOuterAxes(values, SWAP) : values;
  }
  const [ours, theirs] = await Promise.all([
    runOnnxts(recurrentModel(c, feeds), feeds),
    runOnnxruntime(recurrentModel(reference, referenceFeeds), referenceFeeds),
  ]);
  for (const [name, expected] of Object.entries(theirs)) {
    const actual = ours[name];
    expect(actual, `${label}: output '${name}' missing`).toBeDefined();
    expect(actual.type, `${label}: '${name}' element type`).toBe(c.type ?? 'float32');
    const asOurs = batchwise ? permuteOuterAxes(expected, name === 'Y' ? Y_TO_LAYOUT_1 : SWAP) : expected;
    expectTensorsClose(asFloat32(actual), asOurs, tol, `${label} '${name}'`);
  }
}
