export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/**
 * Logs one line per event to stderr (stdout belongs to the console adapter). Every secret value
 * handed in is replaced wherever it appears, including inside error messages and stacks that a
 * library built from a request.
 */
export function createLogger(options: { level?: LogLevel; secrets?: Array<string | undefined>; write?: (line: string) => void } = {}): Logger {
  const threshold = ORDER[options.level ?? "info"];
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 6);
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const redact = (text: string) => secrets.reduce((t, s) => t.split(s).join("[redacted]"), text);

  const emit = (level: LogLevel, message: string, details?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    const extra = details ? ` ${safeStringify(details)}` : "";
    write(redact(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${extra}`));
  };
  return {
    debug: (m, d) => emit("debug", m, d),
    info: (m, d) => emit("info", m, d),
    warn: (m, d) => emit("warn", m, d),
    error: (m, d) => emit("error", m, d),
  };
}

function safeStringify(details: Record<string, unknown>): string {
  try {
    return JSON.stringify(details, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
    );
  } catch {
    return "[unserialisable details]";
  }
}

export const silentLogger: Logger = createLogger({ level: "silent" });
