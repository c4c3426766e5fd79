import { OnnxTsError } from '../../errors/errors.js';

/** The benchmark cannot start as asked: an unknown model name, a manifest recipe it cannot read. */
export class BenchSetupError extends OnnxTsError {
  override name = 'BenchSetupError';
}
