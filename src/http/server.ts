import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../util/logger.js";

/** An HTTP handler; it answers the request itself (and may be async). */
export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/**
 * One route on the shared server. `path` matches exactly, or every path under it when `prefix` is
 * set ("/dashboard" then matches "/dashboard" and "/dashboard/people", never "/dashboards").
 */
export interface HttpRoute {
  method: string | readonly string[];
  path: string;
  prefix?: boolean;
  handle: HttpHandler;
}

/**
 * The process's one web server, on PORT: /healthz, Slack's requests, Discord's interactions and the
 * dashboard are routes on it, so a deployment exposes one port whatever it runs. Routes may be added
 * before or after it listens; a request nothing claims gets 404, a handler that throws gets 500.
 */
export interface HttpServer {
  route(route: HttpRoute): void;
  listen(): Promise<AddressInfo>;
  address(): AddressInfo | undefined;
  readonly listening: boolean;
  close(): Promise<void>;
}

export function createHttpServer(options: { port: number; host?: string; logger: Logger }): HttpServer {
  const routes: HttpRoute[] = [];
  const matches = (route: HttpRoute, method: string, path: string) => {
    const methods = typeof route.method === "string" ? [route.method] : route.method;
    if (!methods.includes(method)) return false;
    if (path === route.path) return true;
    return route.prefix === true && path.startsWith(route.path.endsWith("/") ? route.path : `${route.path}/`);
  };

  const server = http.createServer((req, res) => {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname;
    } catch {
      res.writeHead(400).end();
      return;
    }
    const method = req.method ?? "GET";
    const route = routes.find((r) => matches(r, method, path));
    if (!route) {
      // A known path with the wrong method says so; anything else is simply not here.
      const allowed = routes.filter((r) => matches({ ...r, method }, method, path)).flatMap((r) => (typeof r.method === "string" ? [r.method] : [...r.method]));
      if (allowed.length > 0) res.writeHead(405, { allow: [...new Set(allowed)].join(", ") }).end();
      else res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found");
      return;
    }
    const fail = (error: unknown) => {
      options.logger.error("http handler failed", { path, error });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      if (!res.writableEnded) res.end("Something went wrong");
    };
    try {
      const result = route.handle(req, res);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  });
  // Slow or idle clients must not hold sockets forever; keep-alive stays a little above a typical proxy's 60 s.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  return {
    route(route) {
      routes.push(route);
    },
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ port: options.port, ...(options.host ? { host: options.host } : {}) }, () => {
          server.off("error", reject);
          resolve();
        });
      });
      server.on("error", (error) => options.logger.error("http server failed", { error }));
      return server.address() as AddressInfo;
    },
    address() {
      const bound = server.address();
      return bound && typeof bound === "object" ? bound : undefined;
    },
    get listening() {
      return server.listening;
    },
    close() {
      if (!server.listening) return Promise.resolve();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
