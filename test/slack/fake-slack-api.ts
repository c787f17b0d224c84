import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** A Slack user as the fake's users.info tells it. */
export interface FakeUser {
  id: string;
  name: string;
  displayName?: string;
  isAdmin?: boolean;
  isBot?: boolean;
  /** Deactivated: conversations.open answers user_disabled. */
  deleted?: boolean;
}

/** One request the fake received: a Web API call, a response_url post, a file upload, or a Socket Mode ack. */
export interface Recorded {
  kind: "api" | "response" | "upload" | "socket-ack";
  /** The API method (chat.postMessage) or the path (/respond/abc). */
  name: string;
  /** The decoded body: form fields (JSON-valued ones parsed) or JSON. */
  body: Record<string, unknown>;
  authorization: string | undefined;
  /** What the fake answered: "ok", a Slack error code, or "HTTP 429". */
  outcome: string;
  /** The fields of a successful answer (a posted message's ts, an opened channel...). */
  result?: Record<string, unknown>;
  at: number;
}

/** How to fail a call: a Slack error answer, or an HTTP status (429 carries Retry-After). */
export type Failure = { error: string } | { status: number; retryAfter?: number };

interface PlannedFailure {
  method: string;
  failure: Failure;
  when?: (body: Record<string, unknown>) => boolean;
}

/** Form fields the Web API client sends JSON-encoded. */
const JSON_FIELDS = new Set(["blocks", "attachments", "view", "files", "metadata"]);

export interface FakeSlackOptions {
  botToken: string;
  appToken?: string;
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  users: FakeUser[];
  /** Public channels: the bot is a member of those listed as true. */
  channels: Record<string, { botIsMember: boolean }>;
  /**
   * Slack's per-method rate limits: beyond `perSecond` calls of a method in one second, the call
   * answers HTTP 429 with Retry-After (whole seconds). Fixed one-second windows from the method's
   * first call, so a sender gets no extra burst from starting late in a window.
   */
  rateLimit?: { perSecond: number; methods?: string[] };
}

/**
 * A small Slack Web API on 127.0.0.1: answers the methods Warmpath calls the way Slack does
 * (`{ ok: true, ... }`, `{ ok: false, error }`, HTTP 429 with Retry-After), records every request,
 * and lets a test wait for the one it expects instead of sleeping.
 */
export async function startFakeSlackApi(options: FakeSlackOptions) {
  const recorded: Recorded[] = [];
  const planned: PlannedFailure[] = [];
  const waiters: Array<{ match: (r: Recorded) => boolean; resolve: (r: Recorded) => void }> = [];
  const users = new Map(options.users.map((u) => [u.id, u]));
  const conversations = new Set<string>();
  let counter = 0;
  let base = "";
  const limited = new Set(options.rateLimit?.methods ?? ["chat.postMessage"]);
  const windows = new Map<string, { start: number; calls: number }>();

  /** Seconds to wait when this call is over the method's rate, else undefined (and the call counts). */
  const overLimit = (method: string): number | undefined => {
    if (!options.rateLimit || !limited.has(method)) return undefined;
    const now = Date.now();
    const window = windows.get(method);
    const start = window ? window.start + Math.floor((now - window.start) / 1000) * 1000 : now;
    if (!window || window.start !== start) {
      windows.set(method, { start, calls: 1 });
      return undefined;
    }
    if (window.calls < options.rateLimit.perSecond) {
      window.calls++;
      return undefined;
    }
    return Math.max(1, Math.ceil((start + 1000 - now) / 1000));
  };

  const record = (entry: Omit<Recorded, "at">) => {
    const full = { ...entry, at: Date.now() };
    recorded.push(full);
    for (const waiter of [...waiters]) {
      if (waiter.match(full)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(full);
      }
    }
  };

  const decode = (raw: string, contentType: string | undefined): Record<string, unknown> => {
    if (contentType?.includes("application/json")) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const body: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      body[key] = JSON_FIELDS.has(key) ? safeJson(value) : value;
    }
    return body;
  };

  const userJson = (u: FakeUser) => ({
    id: u.id,
    team_id: options.teamId,
    name: u.name,
    real_name: u.displayName ?? u.name,
    deleted: u.deleted ?? false,
    is_admin: u.isAdmin ?? false,
    is_owner: false,
    is_primary_owner: false,
    is_bot: u.isBot ?? false,
    profile: { display_name: u.displayName ?? "", real_name: u.displayName ?? u.name },
  });

  /** Slack's answer to one method, as `ok` fields or an error code. */
  function answer(method: string, body: Record<string, unknown>, authorization: string | undefined): Record<string, unknown> | string {
    const token = authorization?.replace(/^Bearer /, "");
    if (method === "apps.connections.open") {
      return token && token === options.appToken ? { url: `${base.replace(/^http/, "ws")}socket` } : "invalid_auth";
    }
    if (token !== options.botToken) return token ? "invalid_auth" : "not_authed";
    switch (method) {
      case "auth.test":
        return { url: "https://fake.slack.test/", team: options.teamName, user: "warmpath", team_id: options.teamId, user_id: options.botUserId, bot_id: options.botId };
      case "users.info": {
        const user = users.get(String(body.user));
        return user ? { user: userJson(user) } : "user_not_found";
      }
      case "conversations.open": {
        const ids = (typeof body.users === "string" ? body.users : "")
          .split(",")
          .filter(Boolean);
        if (ids.length === 0) return "users_list_not_supplied";
        for (const id of ids) {
          const user = users.get(id);
          if (!user) return "user_not_found";
          if (user.deleted) return "user_disabled";
        }
        const id = ids.length === 1 ? `D${ids[0]}` : `G${[...ids].sort().join("")}`;
        conversations.add(id);
        return { channel: { id } };
      }
      case "chat.postMessage": {
        const channel = typeof body.channel === "string" ? body.channel : "";
        const known = options.channels[channel];
        if (!conversations.has(channel) && !known) return "channel_not_found";
        if (known && !known.botIsMember) return "not_in_channel";
        const ts = `${1_800_000_000 + ++counter}.000100`;
        return { channel, ts, message: { type: "message", text: body.text, blocks: body.blocks, user: options.botUserId, bot_id: options.botId, ts } };
      }
      case "views.publish":
        return { view: { id: `V${++counter}`, ...(body.view as object) } };
      case "files.getUploadURLExternal": {
        const file = `F${++counter}`;
        return { upload_url: `${base}upload/${file}`, file_id: file };
      }
      case "files.completeUploadExternal": {
        const files = Array.isArray(body.files) ? (body.files as Array<{ id: string; title?: string }>) : [];
        return { files: files.map((f) => ({ id: f.id, title: f.title ?? "" })) };
      }
      default:
        return "unknown_method";
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const authorization = req.headers.authorization;
      if (path.startsWith("/respond/")) {
        // Slack forgets a response_url after 30 minutes or 5 uses; /respond/expired-* plays one of those.
        const expired = path.startsWith("/respond/expired-");
        record({ kind: "response", name: path, body: decode(raw.toString("utf8"), req.headers["content-type"]), authorization, outcome: expired ? "HTTP 404" : "ok" });
        res.writeHead(expired ? 404 : 200, { "content-type": "text/plain" }).end(expired ? "expired_url" : "ok");
        return;
      }
      if (path.startsWith("/upload/")) {
        record({ kind: "upload", name: path, body: { bytes: raw.length }, authorization, outcome: "ok" });
        res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${raw.length}`);
        return;
      }
      const method = path.replace(/^\/api\//, "");
      const body = decode(raw.toString("utf8"), req.headers["content-type"]);
      const plan = planned.findIndex((p) => p.method === method && (!p.when || p.when(body)));
      if (plan !== -1) {
        const { failure } = planned.splice(plan, 1)[0]!;
        if ("status" in failure) {
          record({ kind: "api", name: method, body, authorization, outcome: `HTTP ${failure.status}` });
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (failure.retryAfter !== undefined) headers["retry-after"] = String(failure.retryAfter);
          res.writeHead(failure.status, headers).end(JSON.stringify({ ok: false, error: failure.status === 429 ? "ratelimited" : "service_unavailable" }));
          return;
        }
        record({ kind: "api", name: method, body, authorization, outcome: failure.error });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: failure.error }));
        return;
      }
      const retryAfter = overLimit(method);
      if (retryAfter !== undefined) {
        record({ kind: "api", name: method, body, authorization, outcome: "HTTP 429" });
        res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) }).end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      const result = answer(method, body, authorization);
      const ok = typeof result !== "string";
      record({ kind: "api", name: method, body, authorization, outcome: ok ? "ok" : result, ...(ok ? { result } : {}) });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(ok ? { ok: true, ...result } : { ok: false, error: result }));
    });
  });
  // Socket Mode: apps.connections.open hands out ws://.../socket; Slack greets with hello, then pushes envelopes.
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ server, path: "/socket" });
  wss.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("message", (data) => {
      // ws hands a Buffer (binaryType "nodebuffer", the default).
      const message = safeJson((data as Buffer).toString()) as Record<string, unknown>;
      record({ kind: "socket-ack", name: String(message.envelope_id), body: message, authorization: undefined, outcome: "ok" });
    });
    socket.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake-slack" }, connection_info: { app_id: "A0WARMPATH" } }));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}/`;

  return {
    /** The Web API base URL, for SLACK_API_URL. */
    apiUrl: `${base}api/`,
    recorded,
    /** A response_url on this fake; what Bolt's respond() posts there is recorded. */
    responseUrl: (id: string) => `${base}respond/${id}`,
    /** Successful and failed calls of one method. */
    calls: (method: string) => recorded.filter((r) => r.kind === "api" && r.name === method),
    /** What was posted to one response_url. */
    responses: (id: string) => recorded.filter((r) => r.kind === "response" && r.name === `/respond/${id}`),
    /** The next matching call of a method fails this way (once). */
    failNext(method: string, failure: Failure, when?: (body: Record<string, unknown>) => boolean) {
      planned.push({ method, failure, ...(when ? { when } : {}) });
    },
    /** How many requests so far: pass it to waitFor to wait only for later ones. */
    mark: () => recorded.length,
    /** Resolves with the first request (already received, from index `after` on, or yet to come) that matches. */
    waitFor(match: (r: Recorded) => boolean, what: string, after = 0, timeoutMs = 15_000): Promise<Recorded> {
      const seen = recorded.slice(after).find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((w) => w.resolve === done), 1);
          reject(new Error(`fake Slack: no ${what} within ${timeoutMs} ms; received: ${recorded.map((r) => `${r.name}(${r.outcome})`).join(", ")}`));
        }, timeoutMs);
        const done = (r: Recorded) => {
          clearTimeout(timer);
          resolve(r);
        };
        waiters.push({ match, resolve: done });
      });
    },
    /** Waits for the answer posted to a response_url. */
    response(id: string, what = `answer on response_url ${id}`): Promise<Recorded> {
      return this.waitFor((r) => r.kind === "response" && r.name === `/respond/${id}`, what);
    },
    /** Socket Mode connections open now. */
    socketCount: () => sockets.size,
    /** Pushes an envelope to every Socket Mode connection, as Slack does; the app's ack is recorded under its id. */
    pushEnvelope(type: "slash_commands" | "interactive" | "events_api", payload: unknown): string {
      const id = `env-${++counter}`;
      const envelope = { envelope_id: id, type, payload, accepts_response_payload: type !== "events_api", retry_attempt: 0, retry_reason: "" };
      for (const socket of sockets) socket.send(JSON.stringify(envelope));
      return id;
    },
    close: async () => {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeSlackApi = Awaited<ReturnType<typeof startFakeSlackApi>>;

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
