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

/** One request the fake received: a Web API call, a response_url post, a file upload, a Socket Mode ack, or a visit to the authorize page. */
export interface Recorded {
  kind: "api" | "response" | "upload" | "socket-ack" | "authorize";
  /** The API method (chat.postMessage) or the path (/respond/abc). */
  name: string;
  /** The decoded body: form fields (JSON-valued ones parsed) or JSON. */
  body: Record<string, unknown>;
  authorization: string | undefined;
  /** What the fake answered: "ok", a Slack error code, or "HTTP 429". */
  outcome: string;
  /** The fields of a successful answer (a posted message's ts, an opened channel...). */
  result?: Record<string, unknown>;
  /** The workspace whose token made the call (Web API calls with a known token). */
  team?: string;
  at: number;
}

/** A workspace the fake knows besides the first (which the top-level options describe). */
export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  /** The Enterprise Grid org the workspace belongs to. */
  enterprise?: { id: string; name: string };
  botUserId: string;
  botId: string;
  users: FakeUser[];
  channels: Record<string, { botIsMember: boolean }>;
  /** A bot token the workspace already has (as if installed), besides any issued through OAuth. */
  botToken?: string;
}

/** Slack's OAuth for a distributed app: the app's credentials and its settings. */
export interface FakeOAuthApp {
  clientId: string;
  clientSecret: string;
  appId: string;
  /** The app's configured redirect URL (OAuth & Permissions); can be set later with setRedirectUrl. */
  redirectUrl?: string;
  /** Token rotation on: access tokens expire after this many seconds and come with a refresh token. */
  tokenLifetimeSeconds?: number;
}

/** A token the fake issued through OAuth, or the fixed one of the first workspace. */
interface IssuedToken {
  /** The workspace's team id, or an org's enterprise id for an org-wide install. */
  installKey: string;
  orgWide: boolean;
  /** ms since the epoch; undefined: never expires. */
  expiresAt?: number;
  revoked: boolean;
}

/** How to fail a call: a Slack error answer, or an HTTP status (429 carries Retry-After). */
export type Failure = { error: string } | { status: number; retryAfter?: number };

interface PlannedFailure {
  method: string;
  failure: Failure;
  /** Which calls: by their form fields, and the workspace whose token made the call. */
  when?: (body: Record<string, unknown>, team: string | undefined) => boolean;
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
  /** More workspaces, each with its own users and channels (the app must be installed there through OAuth). */
  workspaces?: FakeWorkspace[];
  /** The app's OAuth settings: set, the fake answers /oauth/v2/authorize and oauth.v2.access. */
  oauth?: FakeOAuthApp;
  /**
   * Slack's per-method rate limits, per workspace: beyond `perSecond` calls of a method in one
   * second from one workspace, the call answers HTTP 429 with Retry-After (whole seconds). Fixed
   * one-second windows from the method's first call there, so a sender gets no extra burst from
   * starting late in a window.
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
  const first: FakeWorkspace = { teamId: options.teamId, teamName: options.teamName, botUserId: options.botUserId, botId: options.botId, users: options.users, channels: options.channels };
  const workspaces = new Map<string, FakeWorkspace>([first, ...(options.workspaces ?? [])].map((w) => [w.teamId, w]));
  const usersOf = new Map([...workspaces.values()].map((w) => [w.teamId, new Map(w.users.map((u) => [u.id, u]))]));
  const conversations = new Set<string>();
  const tokens = new Map<string, IssuedToken>([[options.botToken, { installKey: options.teamId, orgWide: false, revoked: false }]]);
  for (const w of options.workspaces ?? []) if (w.botToken) tokens.set(w.botToken, { installKey: w.teamId, orgWide: false, revoked: false });
  const refreshTokens = new Map<string, { installKey: string; orgWide: boolean; used: boolean }>();
  const codes = new Map<string, { installKey: string; orgWide: boolean; userId: string; redirectUri: string | undefined; used: boolean }>();
  const oauth = options.oauth ? { ...options.oauth } : undefined;
  const randomPart = () => Math.random().toString(36).slice(2, 12);
  let counter = 0;
  let base = "";
  const limited = new Set(options.rateLimit?.methods ?? ["chat.postMessage"]);
  const windows = new Map<string, { start: number; calls: number }>();

  /** Seconds to wait when this call is over the method's rate in its workspace, else undefined (and the call counts). */
  const overLimit = (method: string, team: string | undefined): number | undefined => {
    if (!options.rateLimit || !limited.has(method)) return undefined;
    const now = Date.now();
    const key = `${team ?? "-"}/${method}`;
    const window = windows.get(key);
    const start = window ? window.start + Math.floor((now - window.start) / 1000) * 1000 : now;
    if (!window || window.start !== start) {
      windows.set(key, { start, calls: 1 });
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

  const userJson = (u: FakeUser, teamId: string) => ({
    id: u.id,
    team_id: teamId,
    name: u.name,
    real_name: u.displayName ?? u.name,
    deleted: u.deleted ?? false,
    is_admin: u.isAdmin ?? false,
    is_owner: false,
    is_primary_owner: false,
    is_bot: u.isBot ?? false,
    profile: { display_name: u.displayName ?? "", real_name: u.displayName ?? u.name },
  });

  /** A new bot token (and refresh token, with rotation on) for an installation. */
  function issue(installKey: string, orgWide: boolean): { access_token: string; refresh_token?: string; expires_in?: number } {
    const prefix = orgWide ? "xoxb-org" : "xoxb";
    const token = `${prefix}-${installKey}-${++counter}-${randomPart()}`;
    const lifetime = oauth?.tokenLifetimeSeconds;
    tokens.set(token, { installKey, orgWide, revoked: false, ...(lifetime !== undefined ? { expiresAt: Date.now() + lifetime * 1000 } : {}) });
    if (lifetime === undefined) return { access_token: token };
    const refresh = `xoxe-1-${installKey}-${++counter}-${randomPart()}`;
    refreshTokens.set(refresh, { installKey, orgWide, used: false });
    return { access_token: token, refresh_token: refresh, expires_in: lifetime };
  }

  /** The workspace a bot token acts in: its own, or for an org-wide token the team_id the call names. */
  function workspaceOf(issued: IssuedToken, body: Record<string, unknown>): FakeWorkspace | string {
    if (!issued.orgWide) return workspaces.get(issued.installKey) ?? "team_not_found";
    const teamId = typeof body.team_id === "string" ? body.team_id : "";
    if (!teamId) return "missing_argument";
    const workspace = workspaces.get(teamId);
    return workspace && workspace.enterprise?.id === issued.installKey ? workspace : "team_access_not_granted";
  }

  /** oauth.v2.access: a code from the authorize redirect, or a refresh token (grant_type=refresh_token). */
  function oauthAccess(body: Record<string, unknown>, authorization: string | undefined): Record<string, unknown> | string {
    if (!oauth) return "unknown_method";
    let clientId = body.client_id;
    let clientSecret = body.client_secret;
    if (authorization?.startsWith("Basic ")) [clientId, clientSecret] = Buffer.from(authorization.slice(6), "base64").toString().split(":");
    if (clientId !== oauth.clientId) return "invalid_client_id";
    if (clientSecret !== oauth.clientSecret) return "bad_client_secret";
    if (body.grant_type === "refresh_token") {
      const refresh = refreshTokens.get(String(body.refresh_token));
      if (!refresh || refresh.used) return "invalid_refresh_token";
      // Slack's refresh tokens are single-use: the old one is revoked as the new pair is issued.
      refresh.used = true;
      const issued = issue(refresh.installKey, refresh.orgWide);
      return { app_id: oauth.appId, token_type: "bot", ...issued, ...(refresh.orgWide ? { enterprise: { id: refresh.installKey } } : { team: { id: refresh.installKey } }) };
    }
    const grant = codes.get(String(body.code));
    if (!grant || grant.used) return "invalid_code";
    if (grant.redirectUri !== undefined && body.redirect_uri !== grant.redirectUri) return "bad_redirect_uri";
    grant.used = true;
    const workspace = grant.orgWide ? undefined : workspaces.get(grant.installKey);
    const enterprise = grant.orgWide ? [...workspaces.values()].find((w) => w.enterprise?.id === grant.installKey)?.enterprise : workspace?.enterprise;
    const bot = grant.orgWide ? [...workspaces.values()].find((w) => w.enterprise?.id === grant.installKey)! : workspace!;
    return {
      app_id: oauth.appId,
      authed_user: { id: grant.userId },
      scope: "commands,chat:write,im:write,mpim:write,users:read,channels:read,groups:read,files:write",
      token_type: "bot",
      bot_user_id: bot.botUserId,
      team: workspace ? { id: workspace.teamId, name: workspace.teamName } : null,
      enterprise: enterprise ?? null,
      is_enterprise_install: grant.orgWide,
      ...issue(grant.installKey, grant.orgWide),
    };
  }

  /** Slack's answer to one method, as `ok` fields or an error code; `team` says whose token it was. */
  function answer(method: string, body: Record<string, unknown>, authorization: string | undefined): { result: Record<string, unknown> | string; team?: string } {
    const token = authorization?.replace(/^Bearer /, "");
    if (method === "apps.connections.open") {
      return { result: token && token === options.appToken ? { url: `${base.replace(/^http/, "ws")}socket` } : "invalid_auth" };
    }
    if (method === "oauth.v2.access") return { result: oauthAccess(body, authorization) };
    const issued = token ? tokens.get(token) : undefined;
    if (!issued) return { result: token ? "invalid_auth" : "not_authed" };
    if (issued.revoked) return { result: "token_revoked" };
    if (issued.expiresAt !== undefined && issued.expiresAt <= Date.now()) return { result: "token_expired" };
    if (method === "auth.test" && issued.orgWide && typeof body.team_id !== "string") {
      const org = [...workspaces.values()].find((w) => w.enterprise?.id === issued.installKey)!;
      return { result: { url: "https://fake-org.enterprise.slack.test/", team: "", user: "warmpath", team_id: "", enterprise_id: issued.installKey, user_id: org.botUserId, bot_id: org.botId, is_enterprise_install: true } };
    }
    const workspace = workspaceOf(issued, body);
    if (typeof workspace === "string") return { result: workspace };
    return { result: methodIn(workspace, method, body), team: workspace.teamId };
  }

  function methodIn(workspace: FakeWorkspace, method: string, body: Record<string, unknown>): Record<string, unknown> | string {
    const users = usersOf.get(workspace.teamId)!;
    switch (method) {
      case "auth.test":
        return {
          url: "https://fake.slack.test/",
          team: workspace.teamName,
          user: "warmpath",
          team_id: workspace.teamId,
          user_id: workspace.botUserId,
          bot_id: workspace.botId,
          ...(workspace.enterprise ? { enterprise_id: workspace.enterprise.id } : {}),
        };
      case "users.info": {
        const user = users.get(String(body.user));
        return user ? { user: userJson(user, workspace.teamId) } : "user_not_found";
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
        conversations.add(`${workspace.teamId}:${id}`);
        return { channel: { id } };
      }
      case "chat.postMessage": {
        const channel = typeof body.channel === "string" ? body.channel : "";
        const known = workspace.channels[channel];
        if (!conversations.has(`${workspace.teamId}:${channel}`) && !known) return "channel_not_found";
        if (known && !known.botIsMember) return "not_in_channel";
        const ts = `${1_800_000_000 + ++counter}.000100`;
        return { channel, ts, message: { type: "message", text: body.text, blocks: body.blocks, user: workspace.botUserId, bot_id: workspace.botId, ts } };
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

  /**
   * Slack's authorize page, as if the person approved at once: a redirect to the app's redirect URL
   * with a one-time code and the state unchanged. `team` (Slack's own parameter) picks the workspace;
   * `enterprise` makes it an org-wide install; `deny=1` plays the person pressing Cancel.
   */
  function authorizePage(url: URL): { status: number; location?: string; text?: string } {
    const q = url.searchParams;
    if (!oauth || q.get("client_id") !== oauth.clientId) return { status: 400, text: "invalid_client_id" };
    const redirect = q.get("redirect_uri") ?? oauth.redirectUrl;
    if (!redirect) return { status: 400, text: "no redirect_uri and none configured" };
    if (oauth.redirectUrl && redirect !== oauth.redirectUrl) return { status: 400, text: "bad_redirect_uri" };
    const back = new URL(redirect);
    const state = q.get("state");
    if (state !== null) back.searchParams.set("state", state);
    if (q.get("deny") === "1") {
      back.searchParams.set("error", "access_denied");
      return { status: 302, location: back.toString() };
    }
    const enterprise = q.get("enterprise");
    const teamId = q.get("team") ?? options.teamId;
    if (!enterprise && !workspaces.has(teamId)) return { status: 400, text: "team_not_found" };
    const code = `code-${++counter}-${randomPart()}`;
    codes.set(code, { installKey: enterprise ?? teamId, orgWide: enterprise !== null, userId: q.get("user") ?? "UINSTALLER", redirectUri: q.get("redirect_uri") ?? undefined, used: false });
    back.searchParams.set("code", code);
    return { status: 302, location: back.toString() };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://localhost");
      const path = url.pathname;
      const authorization = req.headers.authorization;
      if (path === "/oauth/v2/authorize") {
        const page = authorizePage(url);
        record({ kind: "authorize", name: path, body: Object.fromEntries(url.searchParams), authorization, outcome: page.status === 302 ? "ok" : String(page.text) });
        res.writeHead(page.status, page.location ? { location: page.location } : { "content-type": "text/plain" }).end(page.text ?? "");
        return;
      }
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
      // The workspace whose token made the call (an org-wide token names it in team_id).
      const issued = tokens.get(authorization?.replace(/^Bearer /, "") ?? "");
      const callerWorkspace = issued && workspaceOf(issued, body);
      const callerTeam = typeof callerWorkspace === "object" ? callerWorkspace.teamId : undefined;
      const plan = planned.findIndex((p) => p.method === method && (!p.when || p.when(body, callerTeam)));
      if (plan !== -1) {
        const { failure } = planned.splice(plan, 1)[0]!;
        if ("status" in failure) {
          record({ kind: "api", name: method, body, authorization, outcome: `HTTP ${failure.status}`, ...(callerTeam ? { team: callerTeam } : {}) });
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (failure.retryAfter !== undefined) headers["retry-after"] = String(failure.retryAfter);
          res.writeHead(failure.status, headers).end(JSON.stringify({ ok: false, error: failure.status === 429 ? "ratelimited" : "service_unavailable" }));
          return;
        }
        record({ kind: "api", name: method, body, authorization, outcome: failure.error });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: failure.error }));
        return;
      }
      const retryAfter = overLimit(method, callerTeam);
      if (retryAfter !== undefined) {
        record({ kind: "api", name: method, body, authorization, outcome: "HTTP 429", ...(callerTeam ? { team: callerTeam } : {}) });
        res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) }).end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      const { result, team } = answer(method, body, authorization);
      const ok = typeof result !== "string";
      record({ kind: "api", name: method, body, authorization, outcome: ok ? "ok" : result, ...(ok ? { result } : {}), ...(team ? { team } : {}) });
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
    failNext(method: string, failure: Failure, when?: PlannedFailure["when"]) {
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
    /** The app's redirect URL, as set in its OAuth & Permissions page. */
    setRedirectUrl(url: string) {
      if (!oauth) throw new Error("the fake has no OAuth app");
      oauth.redirectUrl = url;
    },
    /** Token rotation on (tokens live this many seconds) or off (undefined) for tokens issued from now on. */
    setTokenLifetime(seconds: number | undefined) {
      if (!oauth) throw new Error("the fake has no OAuth app");
      oauth.tokenLifetimeSeconds = seconds;
    },
    /** Bot tokens issued for an installation (team id, or enterprise id for an org-wide one), oldest first. */
    tokensOf: (installKey: string) => [...tokens.entries()].filter(([token, t]) => t.installKey === installKey && token !== options.botToken).map(([token]) => token),
    /** Uninstalls the app (or revokes its tokens) as Slack does: every token of the installation stops working. */
    revokeTokens(installKey: string) {
      for (const token of tokens.values()) if (token.installKey === installKey) token.revoked = true;
      for (const refresh of refreshTokens.values()) if (refresh.installKey === installKey) refresh.used = true;
    },
    /** Makes the installation's current tokens expire now (as if 12 hours had passed). */
    expireTokens(installKey: string) {
      for (const token of tokens.values()) if (token.installKey === installKey && token.expiresAt !== undefined) token.expiresAt = Date.now() - 1;
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
