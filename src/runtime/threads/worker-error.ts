/**
 * A worker running a session could not finish what it was asked: it crashed, ran out of
 * memory, failed to start, or was terminated by release() while work was pending. The work
 * is lost, never left waiting; `cause` holds what the host said, where it said anything.
 */
import { OnnxTsError } from '../../errors/errors.js';

export class WorkerError extends OnnxTsError {
  override name = 'WorkerError';
}
