/**
 * Errors carry a stable string code. The CLI maps codes to exit codes and to the
 * `--json` error envelope; the MCP server maps them to tool errors. Codes never change
 * meaning once released; add new ones instead.
 */
export const ERROR_CODES = {
  USAGE: 2, // bad flags or arguments
  NOT_FOUND: 3, // no session / checkpoint / file by that name
  AMBIGUOUS: 4, // a prefix matched several sessions
  INVALID_INPUT: 5, // a file or value failed validation
  UNSAFE_INPUT: 6, // path traversal, symlink, oversized file
  CONFLICT: 7, // alias taken, session already exists in that state
  STORE_BUSY: 8, // could not reach the store's owner in time
  STORE_CORRUPT: 9, // the store could not be read
  IO: 10, // filesystem error (or a relay that cannot be reached)
  AUTH: 11, // not signed in, token refused, or no access to that relay space
  DISK_FULL: 12, // no space left (ENOSPC) or over quota (EDQUOT) where the store or a file is written
  TARGET_BUSY: 13, // a resume target holds its session database locked (the tool is running); close it and retry
  INTERNAL: 70, // a bug: please report
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SfsError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SfsError';
    this.code = code;
    this.details = details;
  }
  get exitCode(): number {
    return ERROR_CODES[this.code];
  }
}

export function isSfsError(err: unknown): err is SfsError {
  return err instanceof SfsError;
}

/** Wrap anything thrown into an SfsError so front ends have one shape to print. */
export function toSfsError(err: unknown): SfsError {
  if (err instanceof SfsError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'ENOSPC' || e.code === 'EDQUOT')) {
    const at = typeof e.path === 'string' ? ` ${e.path}` : '';
    return new SfsError(
      'DISK_FULL',
      `the disk is full: cannot write${at} (${e.code}); free some space and try again`,
      { errno: e.code, ...(e.path ? { path: e.path } : {}) },
      { cause: err },
    );
  }
  if (e && e.code === 'SQLITE_FULL') {
    return new SfsError(
      'DISK_FULL',
      `the disk holding the projections is full (${e.message}); free some space and try again`,
      { errno: e.code },
      { cause: err },
    );
  }
  if (e && typeof e.code === 'string' && typeof e.message === 'string' && /^E[A-Z]+$/.test(e.code)) {
    return new SfsError('IO', e.message, { errno: e.code }, { cause: err });
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new SfsError('INTERNAL', msg, undefined, { cause: err });
}
