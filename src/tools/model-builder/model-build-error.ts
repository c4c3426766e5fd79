import { OnnxTsError } from '../../errors/errors.js';

/** A builder call that cannot give a valid graph: shapes that do not fit, a name used twice. */
export class ModelBuildError extends OnnxTsError {
  override name = 'ModelBuildError';
}
