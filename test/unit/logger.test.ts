import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger, type LogLevel } from "../../src/util/logger.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function capture(level: LogLevel = "debug", secrets: Array<string | undefined> = []) {
  const lines: string[] = [];
  const logger = createLogger({ level, secrets, write: (line) => lines.push(line) });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("the logger", () => {
  it("writes one JSON object a line with level, time, message and the details as fields", () => {
    const { logger, lines, records } = capture();
    logger.info("outbox message will be retried", { id: 7, inMs: 1000, reason: "rate limited" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    const [record] = records();
    expect(record).toMatchObject({ level: "info", msg: "outbox message will be retried", id: 7, inMs: 1000, reason: "rate limited" });
    expect(new Date(String(record!.time)).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Callers and tests look for `"key":value,` in a line: details come before the message.
    expect(lines[0]).toContain('"id":7,');
  });

  it("drops lines below the level, and everything when silent", () => {
    const warn = capture("warn");
    warn.logger.debug("d");
    warn.logger.info("i");
    warn.logger.warn("w");
    warn.logger.error("e");
    expect(warn.records().map((r) => [r.level, r.msg])).toEqual([
      ["warn", "w"],
      ["error", "e"],
    ]);
    const silent = capture("silent");
    silent.logger.error("nothing");
    expect(silent.lines).toEqual([]);
  });

  it("keeps pino's own fields when details use the same names", () => {
    const { logger, records } = capture();
    logger.warn("the message", { msg: "a detail", level: "a detail", time: 1 });
    const [record] = records();
    expect(record).toMatchObject({ level: "warn", msg: "the message", msg_: "a detail", level_: "a detail", time_: 1 });
  });

  it("serializes errors with name, message, stack and code, wherever they are in the details", () => {
    const { logger, records } = capture();
    const error = Object.assign(new TypeError("bad input"), { code: "E_BAD" });
    logger.error("call failed", { error, attempts: [new RangeError("first")], nested: { inner: new Error("deep") } });
    const [record] = records();
    expect(record!.error).toMatchObject({ name: "TypeError", message: "bad input", code: "E_BAD" });
    expect(String((record!.error as { stack: string }).stack)).toContain("TypeError: bad input\n    at ");
    expect(record!.attempts).toEqual([expect.objectContaining({ name: "RangeError", message: "first" })]);
    expect(record!.nested).toEqual({ inner: expect.objectContaining({ name: "Error", message: "deep" }) });
  });

  it("follows an error's cause chain, including a cause that is not an Error", () => {
    const { logger, records } = capture();
    const root = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const middle = new Error("could not open the database", { cause: root });
    const top = new Error("Warmpath could not start", { cause: middle });
    logger.error("start failed", { error: top, other: new Error("with a string cause", { cause: "the disk is full" }) });
    const [record] = records();
    expect(record!.error).toMatchObject({
      message: "Warmpath could not start",
      cause: { name: "Error", message: "could not open the database", cause: { message: "connect ECONNREFUSED 127.0.0.1:5432", code: "ECONNREFUSED" } },
    });
    expect(String((record!.error as { cause: { cause: { stack: string } } }).cause.cause.stack)).toContain("ECONNREFUSED");
    expect(record!.other).toMatchObject({ cause: "the disk is full" });
  });

  it("survives a cause cycle and aggregate errors", () => {
    const { logger, records } = capture();
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as Error & { cause?: unknown }).cause = b;
    logger.error("cycle", { error: a, all: new AggregateError([new Error("one"), new Error("two")], "both failed") });
    const [record] = records();
    expect(record!.error).toMatchObject({ message: "a", cause: { message: "b", cause: "[Circular]" } });
    expect(record!.all).toMatchObject({ name: "AggregateError", errors: [{ message: "one" }, { message: "two" }] });
  });

  it("scrubs every secret value from the whole line: messages, details, stacks and causes", () => {
    const secret = "xoxb-very-secret-token";
    const quoted = 'pa"ss\\word-42';
    const { logger, lines } = capture("debug", [secret, quoted, undefined, "short"]);
    const cause = new Error(`invalid_auth for ${secret}`);
    logger.error(`call with ${secret} failed`, { error: new Error("request failed", { cause }), header: `Bearer ${secret}`, url: `postgres://u:${quoted}@db/x` });
    const text = lines.join("\n");
    expect(text).not.toContain(secret);
    expect(text).not.toContain(JSON.stringify(quoted).slice(1, -1));
    expect(text.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(5);
    // Values shorter than 6 characters are not treated as secrets (they would scrub ordinary words).
    expect(text).not.toContain("sh[redacted]");
  });

  it("writes to stderr, not stdout, by default", () => {
    const script = `import { createLogger } from "./dist/util/logger.js"; createLogger({ secrets: ["s3cret-value"] }).warn("to stderr", { token: "s3cret-value" });`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    const record = JSON.parse(run.stderr.trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ level: "warn", msg: "to stderr", token: "[redacted]" });
  });
});
