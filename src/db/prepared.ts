import type { Db } from "./client.js";

/**
 * A hot query built once per database handle and run as a named prepared statement: drizzle
 * builds its SQL once (building costs more CPU than a command's own work), and Postgres parses
 * and plans it once per connection. Values are `sql.placeholder(...)`s filled at `execute()`.
 *
 * The handle is the pool's (built once for the process) or a transaction's (built once for it;
 * the connection still skips parsing a statement it has prepared before). PGlite ignores the name,
 * so its handle prepares the pool-level ones itself (prepareStatementsWith).
 */
export function preparedFor<Q extends { getQuery(): { sql: string } }>(build: (db: Db) => Q): (db: Db) => Q {
  const built = new WeakMap<Db, Q>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) {
      query = build(db);
      built.set(db, query);
      preparers.get(db)?.(query.getQuery().sql);
    }
    return query;
  };
}

const preparers = new WeakMap<Db, (text: string) => void>();

/** PGlite's handle: each hot statement's text is prepared there by name too (see pglite-prepared.ts). */
export function prepareStatementsWith(db: Db, prepare: (text: string) => void): void {
  preparers.set(db, prepare);
}
