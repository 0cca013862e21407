import { SfsError, type ErrorCode } from '../errors.js';
import type { AnyStoredEvent } from '../model/events.js';

/**
 * What the import's fold thread (fold-worker.ts) and the thread that captures (fold-thread.ts)
 * say to each other. The fold thread owns the projections' writes for the whole import; it
 * reads the log through the capturing thread, which holds it.
 */

export interface FoldWorkerData {
  /** The projections file. */
  file: string;
  /** The log's folder (its head marker tells the fold thread how far the log reaches). */
  logDir: string;
  /** Fold once the projections are this many events behind. */
  lag: number;
}

/** From the capturing thread. */
export type ToFoldThread =
  /** Something was appended: fold if the projections are `lag` events behind. */
  | { type: 'nudge' }
  /** Fold everything, answer 'finished' or 'failed', close the projections and end. */
  | { type: 'finish' }
  /** The capture failed: let the fold under way end, close the projections and end without folding more. */
  | { type: 'stop' }
  | { type: 'reply'; id: number; value?: LogReply; error?: WireError };

/** From the fold thread. */
export type FromFoldThread =
  { type: 'call'; id: number; call: LogCall } | { type: 'note'; line: string } | { type: 'finished' } | { type: 'failed'; error: WireError };

export type LogCall = { op: 'head' } | { op: 'read'; after: number; limit: number } | { op: 'readSession'; session: string; after: number; limit: number };

/** `encoded`: the events as stored, back to back in `data` (lengths[i] bytes each); `events`: decoded (the log is reached through its owner). */
export type LogReply = { head: number } | { encoded: { positions: number[]; lengths: number[]; data: Uint8Array } } | { events: AnyStoredEvent[] };

/** An error as it crosses threads (a structured clone keeps only name, message and stack). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  details?: Record<string, unknown>;
  sfs: boolean;
}

export function toWire(err: unknown): WireError {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(err),
    ...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(err instanceof SfsError && err.details ? { details: err.details } : {}),
    sfs: err instanceof SfsError,
  };
}

/** The error again, with its code (what isDiskFull and the CLI's exit status read). */
export function fromWire(w: WireError): Error {
  const err = w.sfs ? new SfsError(w.code as ErrorCode, w.message, w.details) : Object.assign(new Error(w.message), w.code ? { code: w.code } : {});
  err.name = w.name;
  if (w.stack) err.stack = w.stack;
  return err;
}
