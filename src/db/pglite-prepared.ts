import { parse, protocol, type PGlite, type QueryOptions, type Results } from "@electric-sql/pglite";

/** PGlite's own exclusive sections: one statement at a time, and none inside another's transaction. */
interface PGliteInternals {
  _checkReady(): Promise<void>;
  _runExclusiveTransaction<T>(run: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(run: () => Promise<T>): Promise<T>;
  serializers: Record<number, (value: unknown) => string>;
  parsers: Record<number, (value: string, typeId?: number) => unknown>;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Named prepared statements on PGlite, which has none of its own: its `query()` sends the text to
 * be parsed, described and planned on every call, and planning `goal list`'s statement alone takes
 * ~0.35 ms there (in the bot's own thread). A text registered with `prepare(text)` is parsed once
 * under a name; after that a call only binds and executes it, in one message to the backend, and
 * the plan is cached as Postgres caches a prepared statement's. Results, errors and the locking
 * are PGlite's own: the same exclusive sections as `query()`, its parsers, serializers and errors.
 *
 * Only the client's own `query()` is affected (drizzle's statements outside a transaction); a
 * transaction's statements go through PGlite's transaction object, unchanged. Everything not
 * registered goes to `query()` as before.
 */
export function withPreparedStatements(client: PGlite): { prepare(text: string): void } {
  const internals = client as unknown as PGliteInternals;
  // These are PGlite's internals, not its API: a PGlite without them (another version) keeps its
  // own query() for everything, slower but correct.
  const usable =
    typeof internals._checkReady === "function" &&
    typeof internals._runExclusiveTransaction === "function" &&
    typeof internals._runExclusiveQuery === "function" &&
    typeof client.execProtocolStream === "function" &&
    typeof internals.serializers === "object" &&
    typeof internals.parsers === "object";
  if (!usable) return { prepare: () => undefined };
  const original = client.query.bind(client);
  const registered = new Set<string>();
  const statements = new Map<string, { name: string; paramTypes: number[] }>();
  const { serialize } = protocol;

  async function runPrepared<T>(text: string, params: unknown[], options: QueryOptions | undefined): Promise<Results<T>> {
    await internals._checkReady();
    return internals._runExclusiveTransaction(() =>
      internals._runExclusiveQuery(async () => {
        let statement = statements.get(text);
        if (!statement) {
          const name = `warmpath_pglite_${statements.size + 1}`;
          const described = await client.execProtocolStream(concat([serialize.parse({ name, text }), serialize.describe({ type: "S", name }), serialize.sync()]), {
            syncToFs: false,
          });
          statement = { name, paramTypes: parse.parseDescribeStatementResults(described) };
          statements.set(text, statement);
        }
        const { paramTypes } = statement;
        // As PGlite's query() serializes them: by the type the statement gave each parameter.
        const values = params.map((param, i) => {
          if (param === null || param === undefined) return null;
          const type = paramTypes[i]!;
          const serializer = options?.serializers?.[type] ?? internals.serializers[type];
          return serializer ? serializer(param) : (param as { toString(): string }).toString();
        });
        const messages = await client.execProtocolStream(
          concat([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()]),
          { syncToFs: false },
        );
        // As query() does outside a transaction (a no-op for a directory on disk).
        await client.syncToFs();
        return parse.parseResults(messages, internals.parsers, options)[0] as Results<T>;
      }),
    );
  }

  client.query = (<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> =>
    registered.has(text) ? runPrepared<T>(text, params ?? [], options) : original<T>(text, params, options)) as PGlite["query"];

  return {
    prepare(text) {
      registered.add(text);
    },
  };
}
