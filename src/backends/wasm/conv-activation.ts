/**
 * The activations a wasm convolution applies as it stores its output, for a Conv fused with
 * the elementwise node after it (onnxruntime's FusedConv set, plus HardSwish and QuickGelu,
 * whose alpha 1 is SiLU / Swish). The codes are those of wasm/assembly/epilogue.ts; each
 * activation's two parameters go to setActivation.
 */
export type ConvActivation =
  | { readonly kind: 'Relu' }
  | { readonly kind: 'Clip'; readonly min: number; readonly max: number }
  | { readonly kind: 'LeakyRelu'; readonly alpha: number }
  | { readonly kind: 'HardSigmoid'; readonly alpha: number; readonly beta: number }
  | { readonly kind: 'HardSwish' }
  | { readonly kind: 'Sigmoid' }
  | { readonly kind: 'Tanh' }
  | { readonly kind: 'QuickGelu'; readonly alpha: number };

export interface ActivationCode {
  readonly code: number;
  readonly alpha: number;
  readonly beta: number;
}

export function activationCode(activation: ConvActivation | undefined): ActivationCode {
  switch (activation?.kind) {
    case undefined: return { code: 0, alpha: 0, beta: 0 };
    case 'Relu': return { code: 1, alpha: 0, beta: 0 };
    case 'Clip': return { code: 2, alpha: activation.min, beta: activation.max };
    case 'LeakyRelu': return { code: 3, alpha: activation.alpha, beta: 0 };
    case 'HardSigmoid': return { code: 4, alpha: activation.alpha, beta: activation.beta };
    case 'HardSwish': return { code: 5, alpha: 0, beta: 0 };
    case 'Sigmoid': return { code: 6, alpha: 0, beta: 0 };
    case 'Tanh': return { code: 7, alpha: 0, beta: 0 };
    case 'QuickGelu': return { code: 8, alpha: activation.alpha, beta: 0 };
  }
}
