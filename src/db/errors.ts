/**
 * What a database error means for the caller, whichever driver raised it. drizzle wraps driver
 * errors (DrizzleQueryError), so the SQLSTATE code is looked for along the `cause` chain.
 */

function* causes(error: unknown): Generator<Record<string, unknown>> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === "object"; depth++) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

/** The SQLSTATE of a Postgres error (e.g. 23505), if the error or one of its causes has one. */
export function sqlState(error: unknown): string | undefined {
  for (const e of causes(error)) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** The constraint a violation names (pg reports it; PGlite too). */
export function violatedConstraint(error: unknown): string | undefined {
  for (const e of causes(error)) if (typeof e.constraint === "string") return e.constraint;
  return undefined;
}

/** A unique violation, optionally of one named constraint or index: the one race a caller expects. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return sqlState(error) === "23505" && (constraint === undefined || violatedConstraint(error) === constraint);
}

/** A row this transaction read was changed or deleted by another before we could write it. */
export class ConcurrentChangeError extends Error {
  constructor(what: string) {
    super(`${what} changed concurrently`);
    this.name = "ConcurrentChangeError";
  }
}

/**
 * Failures that running the whole transaction again resolves: a serialization failure, a deadlock
 * victim, or a lost race against another transaction's insert or delete (unique or foreign key).
 * Retrying is safe because the transaction rolled back entirely, outbox rows included.
 */
export function isRetryableConflict(error: unknown): boolean {
  if (error instanceof ConcurrentChangeError) return true;
  const state = sqlState(error);
  return state === "40001" || state === "40P01" || state === "23505" || state === "23503";
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection (?:is )?(?:closed|ended)/i,
  /server closed the connection/i,
  /cannot use a pool after calling end/i,
];

/**
 * The database cannot be reached or dropped our connection: Postgres stopped or restarted, a
 * backend was terminated, the pool could not connect in time. Nothing the user did is wrong, and
 * what they asked for was not done (a lost COMMIT rolls back, or is re-asked by the user at worst).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const state = sqlState(error);
  // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections.
  if (state && (state.startsWith("08") || state === "57P01" || state === "57P02" || state === "57P03" || state === "53300")) return true;
  for (const e of causes(error)) {
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
    if (typeof e.message === "string" && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  }
  return false;
}

/** A statement or lock wait that ran out of its time limit (statement_timeout, lock_timeout). */
export function isTimeout(error: unknown): boolean {
  const state = sqlState(error);
  return state === "57014" || state === "55P03";
}
