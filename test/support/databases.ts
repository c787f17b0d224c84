import fs from "node:fs";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { openPglite, openPostgres, type Database } from "../../src/db/client.js";

export interface Backend {
  name: "pglite" | "postgres";
  open(): Promise<Database>;
}

/** A PGlite from the migrated template. */
export async function openTemplatePglite(): Promise<Database> {
  const file = inject("pgliteTemplate");
  const blob = new Blob([fs.readFileSync(file)]);
  return openPglite({ loadDataDir: blob });
}

/** An empty database on the Postgres server of `baseUrl`, with a unique name; `drop()` removes it. */
export async function createScratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `warmpath_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * A fresh, migrated database on the Postgres server of TEST_DATABASE_URL, dropped on close, so test
 * files (and concurrent CI runs) never see each other's rows.
 */
export async function openScratchPostgres(baseUrl: string): Promise<Database & { url: string }> {
  const scratch = await createScratchDatabase(baseUrl);
  const database = await openPostgres(scratch.url, { poolSize: 5 });
  return {
    ...database,
    url: scratch.url,
    async close() {
      await database.close();
      await scratch.drop();
    },
  };
}

/** PGlite always; Postgres too when TEST_DATABASE_URL is set (.ci/run sets it when the server answers). */
export const backends: Backend[] = [
  { name: "pglite", open: openTemplatePglite },
  ...(process.env.TEST_DATABASE_URL
    ? [{ name: "postgres" as const, open: () => openScratchPostgres(process.env.TEST_DATABASE_URL!) }]
    : []),
];
