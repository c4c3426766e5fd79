/**
 * Convolution straight from its definition, in doubles, for the types and opsets
 * onnxruntime-node has no kernel for (float64 Conv, bfloat16): for every output element, sum
 * W times X over the channels of its group and the taps of its window that land in the image.
 * Pads are explicit here; the tests resolve auto_pad themselves.
 */
export interface NaiveConvSpec {
  readonly xDims: readonly number[];
  readonly wDims: readonly number[];
  readonly group: number;
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly outSpatial: readonly number[];
}

function rowMajor(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i];
  }
  return strides;
}

function* coordinates(dims: readonly number[]): Generator<number[]> {
  const total = dims.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    const c = new Array<number>(dims.length);
    let rest = flat;
    for (let i = dims.length - 1; i >= 0; i--) {
      c[i] = rest % dims[i];
      rest = Math.floor(rest / dims[i]);
    }
    yield c;
  }
}

export function naiveConv(x: readonly number[], w: readonly number[], bias: readonly number[] | undefined, spec: NaiveConvSpec): number[] {
  const [batch, channels] = spec.xDims;
  const [outChannels, perGroup] = spec.wDims;
  const spatial = spec.xDims.slice(2);
  const kernel = spec.wDims.slice(2);
  const xStrides = rowMajor(spec.xDims);
  const wStrides = rowMajor(spec.wDims);
  const outPerGroup = outChannels / spec.group;
  const y: number[] = [];
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      const g = Math.floor(m / outPerGroup);
      for (const o of coordinates(spec.outSpatial)) {
        let sum = bias ? bias[m] : 0;
        for (let ci = 0; ci < perGroup; ci++) {
          const c = g * perGroup + ci;
          if (c >= channels) throw new Error('bad group split');
          for (const t of coordinates(kernel)) {
            let xi = n * xStrides[0] + c * xStrides[1];
            let inside = true;
            for (let a = 0; a < spatial.length; a++) {
              const i = o[a] * spec.strides[a] - spec.padsBegin[a] + t[a] * spec.dilations[a];
              if (i < 0 || i >= spatial[a]) inside = false;
              xi += i * xStrides[a + 2];
            }
            if (!inside) continue;
            let wi = m * wStrides[0] + ci * wStrides[1];
            for (let a = 0; a < kernel.length; a++) wi += t[a] * wStrides[a + 2];
            sum += w[wi] * x[xi];
          }
        }
        y.push(sum);
      }
    }
  }
  return y;
}
