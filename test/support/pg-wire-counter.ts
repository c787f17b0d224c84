import net from "node:net";

/** SSLRequest and GSSENCRequest: untyped like the startup message, answered by one byte, then the startup follows. */
const NEGOTIATION_CODES = new Set([80877103, 80877104]);

/**
 * A TCP proxy on 127.0.0.1 in front of Postgres that reads what clients send (the frontend side of
 * the wire protocol) and counts it: each Sync ('S') or simple Query ('Q') is one round trip, and
 * simple queries are kept as text (BEGIN, COMMIT). Point a pool at `url(database)`.
 */
export async function startPgWireCounter(target: { host: string; port: number }) {
  let roundTrips = 0;
  let simpleQueries: string[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let startup = true;
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (startup) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          startup = NEGOTIATION_CODES.has(pending.readInt32BE(4));
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) break;
        const type = String.fromCharCode(pending[0]!);
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        if (type === "S") roundTrips++;
        if (type === "Q") {
          roundTrips++;
          simpleQueries.push(pending.subarray(5, length).toString("utf8").replace(/\0$/, ""));
        }
        pending = pending.subarray(1 + length);
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    /** The same database URL, through the counter. */
    url(databaseUrl: string): string {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    /** What was sent since the last call, and starts counting afresh. */
    take(): { roundTrips: number; simpleQueries: string[] } {
      const taken = { roundTrips, simpleQueries };
      roundTrips = 0;
      simpleQueries = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
