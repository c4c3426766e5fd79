/**
 * The messages between a session's owner (remote-session.ts) and the worker that runs it
 * (session-worker.ts). One worker holds one session; the owner sends it one run at a time.
 * Values inside are in wire form (wire-values.ts), errors too (wire-errors.ts).
 */
import type { SessionOptions } from '../../api/session-options.js';
import type { ValueMetadata } from '../../api/inference-session.js';
import type { WireError } from './wire-errors.js';

export interface ModelSourceMessage {
  /** The model's path or URL, which the worker reads itself; or its bytes. */
  readonly location?: string;
  readonly bytes?: Uint8Array;
  /** The externalData option, already resolved to bytes by path. */
  readonly externalData: readonly { readonly path: string; readonly data: Uint8Array }[];
}

export type ToWorker =
  | { readonly kind: 'create'; readonly source: ModelSourceMessage; readonly options: SessionOptions }
  | { readonly kind: 'run'; readonly id: number; readonly feeds: unknown; readonly arg1: unknown; readonly arg2: unknown };

export interface SessionDescription {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
}

export type FromWorker =
  | { readonly kind: 'created'; readonly session: SessionDescription }
  | { readonly kind: 'create-failed'; readonly error: WireError }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: unknown }
  | { readonly kind: 'run-failed'; readonly id: number; readonly error: WireError };
