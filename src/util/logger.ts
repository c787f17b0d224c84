import { types } from "node:util";
import pino from "pino";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Values scrubbed from every line wherever they appear; shorter than 6 characters are ignored. */
  secrets?: Array<string | undefined>;
  /** Receives each line (without its newline) instead of stderr: for tests. */
  write?: (line: string) => void;
}

/**
 * pino, one JSON object a line, to stderr (stdout belongs to the console adapter), written
 * synchronously so the lines before a process.exit are not lost.
 *
 * Every secret value handed in is replaced in the serialized line, wherever it appears: in the
 * message, a detail, an error message or stack that a library built from a request. pino's own
 * `redact` works on known paths, which a token inside an error message never is.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 6);
  // A secret with a quote or backslash in it appears JSON-escaped in the line.
  const needles = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  const scrub = (line: string) => needles.reduce((text, needle) => text.split(needle).join("[redacted]"), line);
  const write = options.write;
  const destination = write ? { write: (line: string) => write(line.endsWith("\n") ? line.slice(0, -1) : line) } : pino.destination({ dest: 2, sync: true });

  const log = pino(
    {
      level: options.level ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: scrub },
    },
    destination,
  );
  const emit = (level: Exclude<LogLevel, "silent">) => (message: string, details?: Record<string, unknown>) => {
    if (!log.isLevelEnabled(level)) return;
    if (details) log[level](fields(details), message);
    else log[level](message);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

export const silentLogger: Logger = createLogger({ level: "silent" });

/** pino's own fields: a detail of the same name would be written twice, and readers keep the last. */
const RESERVED = new Set(["level", "time", "msg", "pid", "hostname"]);
const MAX_DEPTH = 8;

function fields(details: Record<string, unknown>): Record<string, unknown> {
  const seen = new Set<unknown>();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) out[RESERVED.has(key) ? `${key}_` : key] = loggable(value, 0, seen);
  return out;
}

/** Errors anywhere in plain objects and arrays become their serialized form; everything else is left to pino. */
function loggable(value: unknown, depth: number, seen: Set<unknown>): unknown {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (isError(value)) return serializeError(value, depth, seen);
  const plain = Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null;
  if (!plain) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => loggable(item, depth + 1, seen));
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, loggable(item, depth + 1, seen)]));
  } finally {
    seen.delete(value);
  }
}

/**
 * name, message, stack, code, the cause chain and an AggregateError's errors; no other property.
 * pino's std serializers (err, errWithCause) copy every enumerable property, and HTTP clients' errors
 * carry their whole request and socket: lines of megabytes.
 */
function serializeError(error: Error, depth: number, seen: Set<unknown>): Record<string, unknown> {
  seen.add(error);
  try {
    const out: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
    const { code, cause, errors } = error as Error & { code?: unknown; cause?: unknown; errors?: unknown };
    if (code !== undefined) out.code = code;
    if (Array.isArray(errors)) out.errors = errors.map((item) => loggable(item, depth + 1, seen));
    if (cause !== undefined) out.cause = loggable(cause, depth + 1, seen);
    return out;
  } finally {
    seen.delete(error);
  }
}

function isError(value: unknown): value is Error {
  // isNativeError also recognises errors made in another realm (a vm context, a worker's message).
  return value instanceof Error || types.isNativeError(value);
}
