/**
 * SkipLayerNormalization and SkipSimplifiedLayerNormalization: LayerNormalization (or RMS
 * normalization) over the last dimension of input + skip (+ bias). Skip may lack the batch
 * dimension and is then shared by every batch entry. The optional outputs are the per-row
 * mean (0 for the RMS form, which centres nothing) and inverse standard deviation, always
 * float32 as onnxruntime declares them, and the sum that was normalized. Float32 rows run in
 * WebAssembly SIMD where it is on (normalization/wasm-rows.ts).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel, type KernelContext, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { floatTensor } from '../normalization/float-tensor.js';
import type { Moments } from '../normalization/moments.js';
import { normalizeRowsInWasm } from '../normalization/wasm-rows.js';
import { optionalTensorInput, requireSameType, tensorInput } from '../support/inputs.js';
import { computeOutput, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { HALF_AND_SINGLE, MS_DOMAIN } from './element-types.js';

interface SkipNormOperands {
  readonly x: DenseTensor;
  readonly skip: NumberArray;
  readonly gamma: NumberArray;
  readonly beta: NumberArray | undefined;
  readonly bias: NumberArray | undefined;
  readonly hidden: number;
}

function hiddenVector(t: DenseTensor | undefined, x: DenseTensor, hidden: number, what: string): NumberArray | undefined {
  if (!t) return undefined;
  requireSameType(x, t, `input and ${what}`);
  if (t.rank !== 1 || t.dims[0] !== hidden) throw new KernelInputError(`${what} must have shape [${hidden}], got ${formatShape(t.dims)}`);
  return computeValues(t) as NumberArray;
}

function operands(inputs: KernelInputs, simplified: boolean): SkipNormOperands {
  const x = tensorInput(inputs, 0, 'input');
  const skip = tensorInput(inputs, 1, 'skip');
  requireSameType(x, skip, 'input and skip');
  if (x.rank !== 2 && x.rank !== 3) throw new KernelInputError(`input must be 2-D or 3-D, got ${formatShape(x.dims)}`);
  const tailMatches = skip.rank >= 2 && skip.dims.slice(-2).every((d, i) => d === x.dims[x.rank - 2 + i]);
  const shared = skip.rank === 2 || (skip.rank === 3 && skip.dims[0] === 1);
  if (!tailMatches || (skip.rank > 3 || (skip.size !== x.size && !shared))) {
    throw new KernelInputError(`skip ${formatShape(skip.dims)} must have the shape of input ${formatShape(x.dims)}, or its last two dimensions with a batch of 1 or none`);
  }
  const hidden = x.dims[x.rank - 1];
  return {
    x,
    skip: computeValues(skip) as NumberArray,
    gamma: hiddenVector(tensorInput(inputs, 2, 'gamma'), x, hidden, 'gamma')!,
    beta: simplified ? undefined : hiddenVector(optionalTensorInput(inputs, 3, 'beta'), x, hidden, 'beta'),
    bias: hiddenVector(optionalTensorInput(inputs, simplified ? 3 : 4, 'bias'), x, hidden, 'bias'),
    hidden,
  };
}

/** row = x + skip (+ bias) in doubles; returns the row's sum. */
function addRow(row: Float64Array, x: NumberArray, at: number, skip: NumberArray, skipAt: number, bias: NumberArray | undefined): number {
  const hidden = row.length;
  let total = 0;
  if (bias) {
    for (let h = 0; h < hidden; h++) {
      const v = x[at + h] + skip[skipAt + h] + bias[h];
      row[h] = v;
      total += v;
    }
  } else {
    for (let h = 0; h < hidden; h++) {
      const v = x[at + h] + skip[skipAt + h];
      row[h] = v;
      total += v;
    }
  }
  return total;
}

/** The node's outputs, the unlisted optional ones omitted: `outputs` is how many it lists. */
function skipNormalize(inputs: KernelInputs, epsilon: number, simplified: boolean, outputs: number, context: KernelContext) {
  const { x, skip, gamma, beta, bias, hidden } = operands(inputs, simplified);
  const xv = computeValues(x) as NumberArray;
  const rows = hidden === 0 ? 0 : x.size / hidden;
  const y = computeOutput(context, x.type, x.dims) as NumberArray;
  const sum = outputs > 3 ? (computeOutput(context, x.type, x.dims) as NumberArray) : undefined;
  const inWasm = normalizeRowsInWasm({ x: xv, out: y, scale: gamma, beta, skip, bias, sum, rows, length: hidden, epsilon, centered: !simplified });
  const { mean, invStdDev } = inWasm ?? normalizeInTypeScript(xv, y, sum, { skip, gamma, beta, bias, hidden }, rows, epsilon, simplified);
  const statsDims = [...x.dims.slice(0, -1), 1];
  return [
    tensorFromCompute(x.type, x.dims, y),
    outputs > 1 ? floatTensor('float32', statsDims, mean) : undefined,
    outputs > 2 ? floatTensor('float32', statsDims, invStdDev) : undefined,
    sum && tensorFromCompute(x.type, x.dims, sum),
  ];
}

/** The rows normalized in doubles (the reference for the module), into y and sum; returns their moments. */
function normalizeInTypeScript(
  xv: NumberArray, y: NumberArray, sum: NumberArray | undefined, { skip, gamma, beta, bias, hidden }: Omit<SkipNormOperands, 'x'>,
  rows: number, epsilon: number, simplified: boolean,
): Moments {
  const mean = new Float64Array(rows);
  const invStdDev = new Float64Array(rows);
  const row = new Float64Array(hidden);
  for (let r = 0; r < rows; r++) {
    const at = r * hidden;
    const total = addRow(row, xv, at, skip, at % skip.length, bias);
    if (sum) sum.set(row, at);
    const mu = simplified ? 0 : total / hidden;
    let squares = 0;
    for (let h = 0; h < hidden; h++) squares += (row[h] - mu) * (row[h] - mu);
    const inv = 1 / Math.sqrt(squares / hidden + epsilon);
    mean[r] = mu;
    invStdDev[r] = inv;
    if (beta) for (let h = 0; h < hidden; h++) y[at + h] = (row[h] - mu) * inv * gamma[h] + beta[h];
    else for (let h = 0; h < hidden; h++) y[at + h] = (row[h] - mu) * inv * gamma[h];
  }
  return { mean, invStdDev };
}

function skipNormKernel(opType: string, simplified: boolean): KernelDefinition {
  const inputCount = simplified ? 4 : 5;
  return kernel<{ epsilon: number; outputs: number }>({
    domain: MS_DOMAIN,
    opType,
    sinceVersion: 1,
    typeConstraints: Array.from({ length: inputCount }, (_, input) => ({ input, types: HALF_AND_SINGLE })),
    parseAttributes: (attrs, context) => {
      const epsilon = attrs.float('epsilon', 1e-12);
      if (!(epsilon >= 0)) throw new KernelInputError(`attribute 'epsilon' must be non-negative, got ${epsilon}`);
      return { epsilon, outputs: context.outputCount };
    },
    run: (inputs, { epsilon, outputs }, context) => skipNormalize(inputs, epsilon, simplified, outputs, context),
  });
}

export const skipLayerNormalizationKernels: KernelDefinition[] = [
  skipNormKernel('SkipLayerNormalization', false),
  skipNormKernel('SkipSimplifiedLayerNormalization', true),
];
