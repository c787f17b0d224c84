/** Throwaway databases for the bench: a fresh Postgres database per run, dropped afterwards. */
import { randomBytes } from "node:crypto";
import pg from "pg";

export type Driver = "pglite" | "postgres";

export const driverName = (driver: Driver) => (driver === "pglite" ? "PGlite" : "Postgres");

/** BENCH_DATABASE_URL, else TEST_DATABASE_URL: a Postgres server on which the bench may create databases. */
export const postgresBaseUrl = (): string | undefined => process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(baseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new empty database, or a copy of `template` (CREATE DATABASE ... TEMPLATE: a file copy, seconds for 100k members). */
export async function createScratchDatabase(baseUrl: string, template?: string): Promise<ScratchDatabase> {
  const name = `warmpath_bench_${randomBytes(5).toString("hex")}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await admin(baseUrl, (c) => c.query(`create database ${name}${template ? ` template ${template}` : ""}`));
      break;
    } catch (error) {
      // A template must have no other session; autovacuum may visit it for a moment.
      if (!template || attempt >= 10 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(baseUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** The server's version, for the tables' headings ("Postgres 15.20"). */
export async function postgresVersion(baseUrl: string): Promise<string> {
  return admin(baseUrl, async (c) => {
    const { rows } = await c.query<{ v: string }>("select current_setting('server_version') as v");
    return `Postgres ${rows[0]!.v.split(" ")[0]}`;
  });
}
