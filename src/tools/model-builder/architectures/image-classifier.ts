/** What the torchvision-style image classifiers share: their options, input and recipe. */
import type { GraphBuilder, Value } from '../graph-builder.js';
import type { InputRecipe } from '../input-recipe.js';

export interface ImageModelOptions {
  readonly seed?: number;
  /** Height and width of the square input; default 224. Smaller sizes keep tests fast. */
  readonly imageSize?: number;
  readonly batch?: number;
}

export function imageInput(b: GraphBuilder, o: ImageModelOptions): Value {
  const size = o.imageSize ?? 224;
  return b.input('input', 'float32', [o.batch ?? 1, 3, size, size]);
}

/** A normalized image's value range. */
export function imageRecipe(o: ImageModelOptions, name = 'input'): InputRecipe[] {
  const size = o.imageSize ?? 224;
  return [{ name, type: 'float32', shape: [o.batch ?? 1, 3, size, size], fill: { kind: 'uniform', low: -1, high: 1 } }];
}

/** torchvision's classifier tail: adaptive average pool to 1x1 (GlobalAveragePool), flatten, Linear (Gemm). */
export function classifierHead(b: GraphBuilder, x: Value, name: string, classes = 1000): Value {
  const pooled = b.flatten(b.globalAveragePool(x), 1);
  return b.scope(name, () => b.gemm(pooled, classes));
}
