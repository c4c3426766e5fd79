import { OnnxTsError } from '../errors/errors.js';

/** Text in the ONNX function syntax that does not parse; line and column are 1-based. */
export class FunctionSyntaxError extends OnnxTsError {
  override name = 'FunctionSyntaxError';
  constructor(readonly reason: string, readonly line: number, readonly column: number) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}
