// Every error code the system raises, in one table (code → HTTP status, what to do next).
// Callers branch on `code`, never on message text. Each code has a section in docs/errors.md (src/errors.test.ts).
export const ERROR_CODES = {
  RODENT_ERR_CONFIG: { status: 500, hint: "fix the named environment variable or flag" },
  RODENT_ERR_INVALID_ARGUMENT: { status: 400, hint: "fix the named argument" },
  RODENT_ERR_NOT_FOUND: { status: 404, hint: "check the id or name; list what exists first" },
  RODENT_ERR_ALREADY_EXISTS: { status: 409, hint: "use another name or reuse the existing one" },
  RODENT_ERR_CONFLICT: { status: 409, hint: "someone else changed it first; re-read and retry" },
  RODENT_ERR_FILE_FORMAT: { status: 400, hint: "check the named file and column" },
  RODENT_ERR_SOURCE: { status: 502, hint: "the upstream source failed; retry later or check the URL/token" },
  RODENT_ERR_SOURCE_MISMATCH: {
    status: 409,
    hint: "train on the champion's source (RODENT_SOURCE / --source), or switch sources on purpose with `rodent pipeline run --allow-source-change`",
  },
  RODENT_ERR_SCHEMA_MISMATCH: { status: 400, hint: "rebuild the feature table with the model's feature schema" },
  RODENT_ERR_MODEL: { status: 500, hint: "the model artifact is invalid; retrain or pick another version" },
  RODENT_ERR_TRACKING: { status: 502, hint: "the tracking server failed; check RODENT_TRACKING_URI and credentials" },
  RODENT_ERR_STORE: { status: 502, hint: "the object store failed; check the RODENT_S3_* settings" },
  RODENT_ERR_LOCKED: { status: 409, hint: "another run holds the lock; wait for it to finish" },
  RODENT_ERR_GATE: { status: 422, hint: "the candidate did not pass the gate; see the reasons" },
  RODENT_ERR_UNAUTHORIZED: { status: 401, hint: "send the admin bearer token (RODENT_ADMIN_TOKEN)" },
  RODENT_ERR_METHOD_NOT_ALLOWED: { status: 405, hint: "use one of the methods in the Allow header" },
  RODENT_ERR_TIMEOUT: { status: 408, hint: "send the whole request within RODENT_REQUEST_TIMEOUT_MS" },
  RODENT_ERR_RATE_LIMITED: { status: 429, hint: "too many requests; retry after the Retry-After delay" },
  RODENT_ERR_TOO_LARGE: { status: 413, hint: "send a smaller body or fewer rows (see the documented limits)" },
  RODENT_ERR_UNAVAILABLE: {
    status: 503,
    hint: "the service is overloaded or not ready; retry after the Retry-After delay",
  },
  RODENT_ERR_STORED_FILE: {
    status: 500,
    hint: "a file this program wrote earlier is unreadable; the message names it and the command that writes it again",
  },
  RODENT_ERR_INTERNAL: { status: 500, hint: "this is a bug; please report it with the log" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class RodentError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RodentError";
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
  get hint(): string {
    return ERROR_CODES[this.code].hint;
  }
}

export function isRodentError(e: unknown, code?: ErrorCode): e is RodentError {
  return e instanceof RodentError && (code === undefined || e.code === code);
}
