import { fileURLToPath } from "node:url";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PGlite } from "@electric-sql/pglite";
import * as schema from "./schema/index.js";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock.js";
import { isDatabaseUnavailable } from "./errors.js";
import { prepareStatementsWith } from "./prepared.js";

export type Schema = typeof schema;

/** One query API for both drivers: the schema and every query are shared by PGlite and pg. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly db: Db;
  readonly driver: "pglite" | "postgres";
  close(): Promise<void>;
}

/** Refreshes planner statistics; a Postgres server's autovacuum does this, PGlite needs it from us. */
export async function refreshStatistics(database: Database): Promise<void> {
  if (database.driver === "pglite") await database.db.execute(sql`ANALYZE`);
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/** Arbitrary but fixed: every Warmpath process migrating one database takes the same lock. */
const MIGRATION_LOCK_KEY = 7_271_946_311;

/** Time limits for a Postgres connection; every wait on the database ends by itself. */
export interface PostgresTimeouts {
  /** Giving up on opening a connection (pool checkout included). */
  connectMs: number;
  /** One statement (statement_timeout). */
  statementMs: number;
  /** Waiting for a row or table lock (lock_timeout). */
  lockMs: number;
  /** A transaction left open with nothing running (idle_in_transaction_session_timeout). */
  idleInTransactionMs: number;
}

export const defaultPostgresTimeouts: PostgresTimeouts = { connectMs: 5_000, statementMs: 30_000, lockMs: 10_000, idleInTransactionMs: 60_000 };

export interface PostgresOptions {
  poolSize?: number;
  timeouts?: Partial<PostgresTimeouts>;
  /** Told about connections that fail outside a query (Postgres stopped, a backend terminated). */
  onConnectionError?: (error: Error) => void;
}

/** Opens Postgres through `pg` and applies pending migrations under an advisory lock. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  // Loaded only when used: a process on Postgres never loads PGlite, and the reverse (memory).
  const [{ default: pg }, { drizzle: drizzlePg }, { migrate: migratePg }] = await Promise.all([
    import("pg"),
    import("drizzle-orm/node-postgres"),
    import("drizzle-orm/node-postgres/migrator"),
  ]);
  const timeouts = { ...defaultPostgresTimeouts, ...options.timeouts };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    keepAlive: true,
  });
  const onConnectionError = (error: Error) => options.onConnectionError?.(error);
  // A client whose server goes away emits 'error'; with no listener Node ends the process. The pool
  // listens only while a client is idle, so every client gets its own listener for while it is
  // checked out (mid-transaction). The query in flight fails on its own and its caller answers;
  // the pool drops the broken client when it is released.
  pool.on("connect", (client) => client.on("error", onConnectionError));
  pool.on("error", onConnectionError);
  try {
    const client = await pool.connect();
    try {
      // Another process may be migrating: wait for it however long that takes, not lock_timeout.
      await client.query("SET lock_timeout = 0; SET statement_timeout = 0");
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      try {
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
        await client.query("RESET lock_timeout; RESET statement_timeout");
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  // drizzle's transaction on a pool never releases a client whose BEGIN failed (the connection died
  // between checkout and BEGIN): each such failure would leak a pool slot until none were left. So
  // transactions check out their own client and always hand it back, broken ones to be discarded.
  const transaction: Db["transaction"] = async (run, config) => {
    const client = await pool.connect();
    let failure: unknown;
    try {
      return await (drizzlePg(client) as unknown as Db).transaction(run, config);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      client.release(isDatabaseUnavailable(failure) ? (failure as Error) : undefined);
    }
  };
  Object.assign(db, { transaction });
  return { db, driver: "postgres", close: () => pool.end() };
}

/**
 * Opens an embedded PGlite. With a directory, takes an exclusive lock on it first (PGlite itself
 * does not, and two processes on one directory corrupt it). Without one, runs in memory; `loadDataDir`
 * starts from a dump (tests start from a migrated template that way).
 */
export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<Database & { client: PGlite }> {
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }, { withPreparedStatements }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
    import("./pglite-prepared.js"),
  ]);
  let lock: DataDirLock | undefined;
  if (options.dataDir) lock = await acquireDataDirLock(options.dataDir);
  let client: PGlite | undefined;
  try {
    client = await PGlite.create({
      ...(options.dataDir ? { dataDir: path.join(options.dataDir, "pglite") } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    const db = drizzlePglite(client, { schema });
    await db.execute(sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    await migratePglite(db, { migrationsFolder });
    await db.execute(sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    // PGlite runs no autovacuum: without statistics the planner picks nested loops that take seconds.
    await db.execute(sql`ANALYZE`);
    // The hot statements (preparedFor) are parsed and planned once here too, as on Postgres.
    const prepared = withPreparedStatements(client);
    prepareStatementsWith(db, (text) => prepared.prepare(text));
    const opened = client;
    return {
      db: db as unknown as Db,
      driver: "pglite",
      client: opened,
      close: async () => {
        await opened.close();
        lock?.release();
      },
    };
  } catch (error) {
    await client?.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}

/** The database the configuration names: Postgres when a URL is given, embedded PGlite otherwise. */
export function openDatabase(
  config: { databaseUrl?: string | undefined; dataDir: string; databaseTimeouts?: Partial<PostgresTimeouts> },
  options: Pick<PostgresOptions, "onConnectionError"> = {},
): Promise<Database> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, { ...options, ...(config.databaseTimeouts ? { timeouts: config.databaseTimeouts } : {}) })
    : openPglite({ dataDir: config.dataDir });
}

/**
 * Starts a statement and lets it reach the database before going on, so the database runs it while
 * this process does other work; the caller awaits `answer` when it needs it. Its failure waits for
 * that await (where the transaction fails) instead of being reported as unhandled in between.
 * One statement at a time on a transaction: send the next after this one's answer (node-postgres
 * deprecates queueing a query on a client that is busy with another).
 */
export async function started<T>(statement: Promise<T>): Promise<{ answer: Promise<T> }> {
  statement.catch(() => undefined);
  // The statement reaches the driver a few promise jobs later; one turn of the event loop covers them.
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { answer: statement };
}

/** Rows of a raw query, whichever driver ran it. */
export async function queryRows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as { rows: T[] };
  return result.rows;
}
