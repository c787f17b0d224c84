import net from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (Postgres), which a test can cut: `down()`
 * resets every open connection and refuses new ones, as a stopped or unreachable server does;
 * `up()` lets connections through again.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let accepting = true;
  const server = net.createServer((client) => {
    if (!accepting) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    /** Resets every connection through the proxy and refuses new ones. */
    down() {
      accepting = false;
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
    },
    up() {
      accepting = true;
    },
    /** Connections currently open through the proxy. */
    open: () => sockets.size / 2,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
