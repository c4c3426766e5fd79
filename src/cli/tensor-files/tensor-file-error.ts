import { OnnxTsError } from '../../errors/errors.js';

export type TensorFileProblem =
  | 'unreadable'
  | 'unwritable'
  | 'unknown-format'
  | 'bad-magic'
  | 'bad-header'
  | 'fortran-order'
  | 'unsupported-dtype'
  | 'truncated'
  | 'trailing-data'
  | 'not-tensor-proto'
  | 'bad-json'
  | 'ragged'
  | 'bad-value';

/** A tensor file cannot be read or written; the message names the file, `problem` says why in one word. */
export class TensorFileError extends OnnxTsError {
  constructor(readonly file: string, readonly problem: TensorFileProblem, detail: string, options?: { cause?: unknown }) {
    super(`${file}: ${detail}`, options);
  }
}
