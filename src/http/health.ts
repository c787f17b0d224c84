import type http from "node:http";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import type { Logger } from "../util/logger.js";
import { createHttpServer, type HttpRoute } from "./server.js";

/** A database check must answer fast: a health probe that hangs is as bad as one that fails. */
const DATABASE_CHECK_MS = 2_000;

/** Something whose state `/healthz` reports: a platform connection, say. */
export interface HealthSource {
  readonly name: string;
  /** True while it can do its work. */
  healthy(): boolean;
}

export interface HealthReport {
  ok: boolean;
  body: Record<string, string>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * What `/healthz` answers: the database (a `select 1` within two seconds) and each source. No state
 * is kept between probes, so the answer goes back to 200 by itself once Postgres is back.
 */
export function createHealthCheck(db: Db, sources: readonly HealthSource[]): () => Promise<HealthReport> {
  return async () => {
    let database = true;
    try {
      await withTimeout(db.execute(sql`select 1`), DATABASE_CHECK_MS);
    } catch {
      database = false;
    }
    const body: Record<string, string> = {};
    let ok = database;
    for (const source of sources) {
      const up = source.healthy();
      ok &&= up;
      body[source.name.toLowerCase()] = up ? "up" : "down";
    }
    body.database = database ? "up" : "down";
    return { ok, body: { status: ok ? "ok" : "unavailable", ...body } };
  };
}

/** Answers a `/healthz` request from a check: 200 when everything is up, 503 otherwise. */
export async function answerHealth(check: () => Promise<HealthReport>, res: http.ServerResponse): Promise<void> {
  const report = await check();
  res.writeHead(report.ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(report.body));
}

/** The `/healthz` route for the shared server; a check that throws answers 503, never crashes. */
export function healthRoute(check: () => Promise<HealthReport>, logger: Logger): HttpRoute {
  return {
    method: ["GET", "HEAD"],
    path: "/healthz",
    handle: (_req, res) =>
      answerHealth(check, res).catch((error: unknown) => {
        logger.error("health check failed", { error });
        if (!res.headersSent) res.writeHead(503);
        res.end();
      }),
  };
}

/** A server for `/healthz` alone. Its errors are logged, never thrown at the process. */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  check: () => Promise<HealthReport>;
  logger: Logger;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = createHttpServer({ port: options.port, ...(options.host ? { host: options.host } : {}), logger: options.logger });
  server.route(healthRoute(options.check, options.logger));
  const { port } = await server.listen();
  return { port, close: () => server.close() };
}
