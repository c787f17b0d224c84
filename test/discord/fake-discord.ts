import http from "node:http";
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { APIEmbed } from "discord.js";

/**
 * A small Discord on 127.0.0.1: the REST routes Warmpath uses and a gateway speaking the real
 * protocol (HELLO, IDENTIFY, READY, heartbeats, GUILD_CREATE, INTERACTION_CREATE). The real
 * discord.js client talks to it through DISCORD_API_URL; only the network is fake.
 *
 * With an Interactions Endpoint URL set (`setInteractionsEndpoint`), interactions are POSTed there
 * instead of dispatched on the gateway, as Discord does: signed with the application's Ed25519 key
 * (`publicKey` is its public half, hex), answered in the HTTP response within 3 s, then edited and
 * followed up through the interaction's webhook.
 *
 * It enforces what Discord enforces where a bot can get it wrong: the 3-second interaction window,
 * one acknowledgement per interaction, message and command limits, closed DMs (50007), rate limits
 * (a request inside a 429's pause is answered with another 429 and counted), privileged intents.
 */

/** JSON the fake produces. */
type Json = Record<string, unknown>;

/** A message body as a bot sends it (typed at the boundary; the fake's own checks look at the values). */
export interface WireMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: WireRow[];
  allowed_mentions?: { parse?: string[]; users?: string[]; roles?: string[] };
  flags?: number;
}
export interface WireRow {
  type: number;
  components?: WireButton[];
}
export interface WireButton {
  type: number;
  style?: number;
  label?: string;
  custom_id?: string;
  url?: string;
}
export interface WireCommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: WireCommandOption[];
  min_length?: number;
  max_length?: number;
  min_value?: number;
  max_value?: number;
}
export interface WireCommand {
  id?: string;
  guild_id?: string;
  name: string;
  description: string;
  type?: number;
  contexts?: number[] | null;
  options?: WireCommandOption[];
}
interface WireCallback {
  type?: number;
  data?: WireMessage;
}
interface WireThread {
  name?: string;
  type?: number;
  invitable?: boolean;
  auto_archive_duration?: number;
}

const API_PREFIX = "/api/v10";
const PERMISSION = {
  administrator: 1n << 3n,
  manageGuild: 1n << 5n,
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  readMessageHistory: 1n << 16n,
  useApplicationCommands: 1n << 31n,
  createPublicThreads: 1n << 35n,
  createPrivateThreads: 1n << 36n,
  sendMessagesInThreads: 1n << 38n,
};
const MEMBER_PERMISSIONS = Object.entries(PERMISSION)
  .filter(([name]) => name !== "administrator" && name !== "manageGuild")
  .reduce((all, [, bit]) => all | bit, 0n);
const ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | PERMISSION.administrator | PERMISSION.manageGuild;
/** GuildMembers, GuildPresences, MessageContent: need approval in the developer portal. */
const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);

export const CHANNEL = { guildText: 0, dm: 1, privateThread: 12 } as const;
export const CALLBACK = { reply: 4, deferredReply: 5, deferredUpdate: 6, update: 7, autocomplete: 8 } as const;

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
}

export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guildId?: string;
  parentId?: string;
  position: number;
  /** DM channels: the other person. */
  recipientId?: string;
  /** Threads: who is in it. */
  members?: Set<string>;
  invitable?: boolean;
}

export interface FakeGuild {
  id: string;
  name: string;
  systemChannelId: string | null;
  channels: FakeChannel[];
  members: Map<string, { user: FakeUser; admin: boolean; nick: string | null }>;
  /** Whether the bot was added to the server (REST reads of a server without it are refused). */
  bot: boolean;
}

export interface StoredFile {
  name: string;
  contentType: string;
  text: string;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  content: string;
  embeds: APIEmbed[];
  components: WireRow[];
  allowed_mentions?: NonNullable<WireMessage["allowed_mentions"]>;
  flags: number;
  files: StoredFile[];
}

export interface RestCall {
  method: string;
  path: string;
  body: unknown;
  files: StoredFile[];
  status: number;
  authorized: boolean;
}

export type InteractionAnswer =
  | { kind: "callback"; type: number; data: WireMessage; files: StoredFile[] }
  | { kind: "edit"; data: WireMessage; files: StoredFile[] }
  | { kind: "followup"; data: WireMessage; files: StoredFile[] };

export interface FakeInteraction {
  id: string;
  token: string;
  type: number;
  payload: Json;
  dispatchedAt: number;
  answers: InteractionAnswer[];
  /** Over HTTP: the endpoint it was POSTed to, the answer's status, and why Discord would show "interaction failed". */
  http?: { url: string; status?: number; failure?: string; delivered: Promise<void> };
}

/** A signed (or deliberately mis-signed) POST to an interactions endpoint, and what came back. */
export interface SignedPostOptions {
  /** Unix seconds; now by default. */
  timestamp?: number;
  /** Sign other bytes than those sent, with another key, or leave a header out. */
  tamper?: "forged-body" | "other-key" | "no-signature" | "no-timestamp";
}

/** The answer a person sees: the reply, or the deferred "thinking…" edited into the reply. */
export interface FinalAnswer {
  deferred: boolean;
  ephemeral: boolean;
  message: WireMessage;
  files: StoredFile[];
  /** Callback types in order of arrival (5 then the edit, or 4). */
  sequence: Array<number | "edit" | "followup">;
}

export interface RateLimitRule {
  method: string;
  path: RegExp;
  /** How many matching requests get a 429 (default 1). */
  times?: number;
  /** Seconds, as Discord's retry_after. */
  retryAfter: number;
  global?: boolean;
}

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  heartbeatIntervalMs?: number;
  /** Discord drops interactions not acknowledged within 3 s. */
  responseWindowMs?: number;
  /** Privileged intents the "developer portal" has enabled for this bot. */
  allowedPrivilegedIntents?: number;
}

let sequence = 0n;
/** 19-digit ids that look like Discord's. */
export function snowflake(): string {
  sequence += 1n;
  return String(1_310_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1_000_000n + sequence);
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;

export async function startFakeDiscord(options: FakeDiscordOptions = {}) {
  const token = options.token ?? `${Buffer.from(snowflake()).toString("base64")}.fake.${randomBytes(20).toString("base64url")}`;
  const applicationId = options.applicationId ?? snowflake();
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
  const responseWindowMs = options.responseWindowMs ?? 3000;
  const bot: FakeUser = { id: applicationId, username: "Warmpath", globalName: null };
  const changes = new EventEmitter();
  changes.setMaxListeners(100);
  const changed = () => changes.emit("change");

  const guilds = new Map<string, FakeGuild>();
  const channels = new Map<string, FakeChannel>();
  const users = new Map<string, FakeUser>([[bot.id, bot]]);
  const messages: StoredMessage[] = [];
  const calls: RestCall[] = [];
  const interactions = new Map<string, FakeInteraction>();
  const closedDms = new Set<string>();
  const deniedChannels = new Set<string>();
  const failingRoutes: Array<{ method: string; path: RegExp; status: number; times: number }> = [];
  const rateLimits: RateLimitRule[] = [];
  const blocks: Array<{ until: number; global: boolean; method: string; path: RegExp }> = [];
  /** Requests that arrived while a 429's retry_after had not yet passed. */
  const earlyRetries: RestCall[] = [];
  const commands = { global: [] as Array<WireCommand & Json>, guild: new Map<string, Array<WireCommand & Json>>() };
  const commandPuts: Array<{ scope: string; body: WireCommand[] }> = [];
  const gateway = { identifies: [] as Json[], heartbeats: 0, urls: [] as string[], closes: [] as number[] };
  /** Identified connections, newest last: dispatches go to the newest still open. */
  const sockets: Array<{ ws: WebSocket; seq: number }> = [];
  /** The application's key pair: Discord signs interactions with the private half. */
  const keys = generateKeyPairSync("ed25519");
  const otherKeys = generateKeyPairSync("ed25519");
  const publicKey = Buffer.from(keys.publicKey.export({ format: "jwk" }).x!, "base64url").toString("hex");
  const endpoint = { urls: [] as string[], next: 0 };

  // ---------------------------------------------------------------- REST
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `fake discord crashed: ${String(error)}`, code: 0 }));
    });
  });

  async function readBody(req: http.IncomingMessage): Promise<{ body: unknown; files: StoredFile[] }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const type = req.headers["content-type"] ?? "";
    if (raw.length === 0) return { body: undefined, files: [] };
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(raw, { headers: { "content-type": type } }).formData();
      const files: StoredFile[] = [];
      let body: unknown;
      for (const [key, value] of form.entries()) {
        if (key === "payload_json" && typeof value === "string") body = JSON.parse(value);
        else if (typeof value !== "string") files.push({ name: value.name, contentType: value.type, text: await value.text() });
      }
      return { body, files };
    }
    return { body: JSON.parse(raw.toString("utf8")), files: [] };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const { body, files } = await readBody(req);
    // Each route reads the shape it expects; the checks below look at the values.
    const message = (body ?? {}) as WireMessage;
    const authorized = req.headers.authorization === `Bot ${token}`;
    const call: RestCall = { method, path: decodeURIComponent(url.pathname).slice(API_PREFIX.length), body, files, status: 0, authorized };
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      calls.push(call);
      if (payload === undefined) res.writeHead(status, headers).end();
      else res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(payload));
      changed();
    };
    const error = (status: number, code: number, message: string, extra: Json = {}) => send(status, { message, code, ...extra });
    if (!url.pathname.startsWith(API_PREFIX)) return error(404, 0, "404: Not Found");
    const path = call.path;
    const interactionRoute = /^\/(interactions|webhooks)\//.test(path);
    if (!interactionRoute && !authorized) return error(401, 0, "401: Unauthorized");

    if (!interactionRoute) {
      const now = Date.now();
      const blocked = blocks.find((b) => b.until > now && (b.global || (b.method === method && b.path.test(path))));
      if (blocked) {
        earlyRetries.push(call);
        return rateLimited(send, (blocked.until - now) / 1000, blocked.global);
      }
      const rule = rateLimits.find((r) => (r.times ?? 1) > 0 && r.method === method && r.path.test(path));
      if (rule) {
        rule.times = (rule.times ?? 1) - 1;
        blocks.push({ until: now + rule.retryAfter * 1000, global: rule.global ?? false, method, path: rule.path });
        return rateLimited(send, rule.retryAfter, rule.global ?? false);
      }
    }
    const failing = failingRoutes.find((f) => f.times > 0 && f.method === method && f.path.test(path));
    if (failing) {
      failing.times--;
      return failing.status >= 500 ? error(failing.status, 0, "Internal Server Error") : error(failing.status, 50035, "Invalid Form Body");
    }

    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/gateway/bot") {
      return send(200, { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === "POST" && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      const interaction = interactions.get(m[1]!);
      if (!interaction || interaction.token !== m[2]) return error(404, 10062, "Unknown interaction");
      if (Date.now() - interaction.dispatchedAt > responseWindowMs) return error(404, 10062, "Unknown interaction");
      if (interaction.answers.some((a) => a.kind === "callback")) return error(400, 40060, "Interaction has already been acknowledged.");
      const callback = (body ?? {}) as WireCallback;
      const problems = callback.data && (callback.type === CALLBACK.reply || callback.type === CALLBACK.update) ? messageProblems(callback.data) : [];
      if (problems.length) return error(400, 50035, "Invalid Form Body", { errors: problems });
      interaction.answers.push({ kind: "callback", type: Number(callback.type), data: callback.data ?? {}, files });
      return send(204);
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/@original)?$/.exec(path))) {
      const interaction = [...interactions.values()].find((i) => i.token === m![2]);
      if (!interaction || m[1] !== applicationId) return error(404, 10015, "Unknown Webhook");
      // Discord has the HTTP answer before anything sent after it; here the two may race.
      if (interaction.http) await interaction.http.delivered;
      if (!interaction.answers.some((a) => a.kind === "callback")) return error(404, 10008, "Unknown Message");
      const problems = messageProblems(message);
      if (problems.length) return error(400, 50035, "Invalid Form Body", { errors: problems });
      const kind = path.endsWith("/messages/@original") ? "edit" : "followup";
      if (kind === "edit" && method !== "PATCH") return error(405, 0, "405: Method Not Allowed");
      interaction.answers.push({ kind, data: message, files });
      return send(200, messageObject({ id: interaction.id, channel_id: String(interaction.payload.channel_id), content: message.content ?? "", embeds: message.embeds ?? [], components: message.components ?? [], flags: message.flags ?? 0, files }));
    }
    if (method === "POST" && path === "/users/@me/channels") {
      const recipient = users.get(String((body as { recipient_id?: unknown } | undefined)?.recipient_id));
      if (!recipient) return error(400, 50033, "Invalid Recipient(s)");
      let dm = [...channels.values()].find((c) => c.type === CHANNEL.dm && c.recipientId === recipient.id);
      if (!dm) {
        dm = { id: snowflake(), type: CHANNEL.dm, name: "", position: 0, recipientId: recipient.id };
        channels.set(dm.id, dm);
      }
      return send(200, { id: dm.id, type: CHANNEL.dm, last_message_id: null, flags: 0, recipients: [userObject(recipient)] });
    }
    if (method === "POST" && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const channel = channels.get(m[1]!);
      if (!channel) return error(404, 10003, "Unknown Channel");
      if (channel.type === CHANNEL.dm && closedDms.has(channel.recipientId!)) return error(403, 50007, "Cannot send messages to this user");
      if (deniedChannels.has(channel.id) || (channel.parentId && deniedChannels.has(channel.parentId))) return error(403, 50013, "Missing Permissions");
      const problems = messageProblems(message);
      if (problems.length) return error(400, 50035, "Invalid Form Body", { errors: problems });
      const stored: StoredMessage = {
        id: snowflake(),
        channel_id: channel.id,
        ...(channel.guildId ? { guild_id: channel.guildId } : {}),
        content: message.content ?? "",
        embeds: message.embeds ?? [],
        components: message.components ?? [],
        ...(message.allowed_mentions ? { allowed_mentions: message.allowed_mentions } : {}),
        flags: message.flags ?? 0,
        files,
      };
      messages.push(stored);
      return send(200, messageObject(stored));
    }
    if (method === "POST" && (m = /^\/channels\/(\d+)\/threads$/.exec(path))) {
      const parent = channels.get(m[1]!);
      if (!parent) return error(404, 10003, "Unknown Channel");
      if (parent.type !== CHANNEL.guildText) return error(400, 50024, "Cannot execute action on this channel type");
      if (deniedChannels.has(parent.id)) return error(403, 50013, "Missing Permissions");
      const request = (body ?? {}) as WireThread;
      const name = String(request.name ?? "");
      if (name.length < 1 || name.length > 100) return error(400, 50035, "Invalid Form Body", { errors: ["name must be 1-100 characters"] });
      const thread: FakeChannel = {
        id: snowflake(),
        type: Number(request.type ?? 11),
        name,
        guildId: parent.guildId!,
        parentId: parent.id,
        position: 0,
        members: new Set([bot.id]),
        invitable: request.invitable ?? true,
      };
      channels.set(thread.id, thread);
      guilds.get(parent.guildId!)!.channels.push(thread);
      const object = threadObject(thread, Number(request.auto_archive_duration ?? 4320));
      dispatch("THREAD_CREATE", { ...object, newly_created: true });
      return send(201, object);
    }
    if (method === "PUT" && (m = /^\/channels\/(\d+)\/thread-members\/(\d+)$/.exec(path))) {
      const thread = channels.get(m[1]!);
      if (!thread?.members) return error(404, 10003, "Unknown Channel");
      if (!guilds.get(thread.guildId!)?.members.has(m[2]!)) return error(404, 10007, "Unknown Member");
      thread.members.add(m[2]!);
      return send(204);
    }
    if (method === "GET" && path === "/users/@me") return send(200, { ...userObject(bot), bot: true, verified: true, mfa_enabled: false, flags: 0 });
    if (method === "GET" && path === "/users/@me/guilds") {
      return send(200, [...guilds.values()].filter((g) => g.bot).map((g) => ({ id: g.id, name: g.name, icon: null, owner: false, permissions: String(MEMBER_PERMISSIONS), features: [] })));
    }
    if (method === "GET" && (m = /^\/guilds\/(\d+)$/.exec(path))) {
      const guild = guilds.get(m[1]!);
      if (!guild?.bot) return error(403, 50001, "Missing Access");
      const { channels: _channels, members: _members, threads: _threads, presences: _presences, voice_states: _voice, stage_instances: _stages, guild_scheduled_events: _events, soundboard_sounds: _sounds, joined_at: _joined, large: _large, member_count: _count, ...object } = guildObject(guild);
      return send(200, object);
    }
    if (method === "GET" && (m = /^\/guilds\/(\d+)\/channels$/.exec(path))) {
      const guild = guilds.get(m[1]!);
      if (!guild?.bot) return error(403, 50001, "Missing Access");
      return send(200, guild.channels.filter((c) => c.type === CHANNEL.guildText).map(channelObject));
    }
    if (method === "GET" && (m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path))) {
      const guild = guilds.get(m[1]!);
      if (!guild) return error(404, 10004, "Unknown Guild");
      if (!guild.bot) return error(403, 50001, "Missing Access");
      if (m[2] === bot.id) return send(200, botMemberObject());
      const member = guild.members.get(m[2]!);
      if (!member) return error(404, 10007, "Unknown Member");
      return send(200, memberObject(guild, member.user.id));
    }
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      if (m[1] !== applicationId) return error(403, 50001, "Missing Access");
      const guildId = m[2];
      if (guildId && !guilds.has(guildId)) return error(403, 50001, "Missing Access");
      if (method === "GET") return send(200, guildId ? (commands.guild.get(guildId) ?? []) : commands.global);
      if (method === "PUT") {
        const list = Array.isArray(body) ? (body as WireCommand[]) : undefined;
        const problems = list ? list.flatMap((c) => commandProblems(c)) : ["body must be an array"];
        if (!list || problems.length) return error(400, 50035, "Invalid Form Body", { errors: problems });
        const stored = list.map((c) => storedCommand(c, guildId));
        if (guildId) commands.guild.set(guildId, stored);
        else commands.global = stored;
        commandPuts.push({ scope: guildId ?? "global", body: list });
        return send(200, stored);
      }
    }
    return error(404, 0, `404: Not Found (fake discord has no ${method} ${path})`);
  }

  function rateLimited(send: (status: number, payload?: unknown, headers?: Record<string, string>) => void, retryAfter: number, global: boolean) {
    const seconds = Math.max(retryAfter, 0.001);
    const headers: Record<string, string> = {
      "retry-after": String(Math.ceil(seconds)),
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset-after": seconds.toFixed(3),
      "x-ratelimit-reset": ((Date.now() + seconds * 1000) / 1000).toFixed(3),
      "x-ratelimit-bucket": "fakebucket",
      "x-ratelimit-scope": global ? "global" : "user",
    };
    if (global) headers["x-ratelimit-global"] = "true";
    send(429, { message: "You are being rate limited.", retry_after: seconds, global, ...(global ? { code: 0 } : {}) }, headers);
  }

  // ---------------------------------------------------------------- gateway
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws, req) => {
    gateway.urls.push(req.url ?? "");
    const params = new URL(req.url ?? "/", "ws://fake").searchParams;
    if (params.get("v") !== "10" || params.get("encoding") !== "json" || params.has("compress")) {
      ws.close(4012, "Invalid API version or encoding");
      return;
    }
    ws.on("close", (code) => {
      gateway.closes.push(code);
      const index = sockets.findIndex((s) => s.ws === ws);
      if (index !== -1) sockets.splice(index, 1);
      changed();
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: heartbeatIntervalMs }, s: null, t: null }));
    ws.on("message", (data) => {
      // ws hands a Buffer (binaryType "nodebuffer", the default).
      const payload = JSON.parse((data as Buffer).toString()) as { op?: number; d?: { token?: string; intents?: number } & Json };
      if (payload.op === 1) {
        gateway.heartbeats++;
        ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
        changed();
      } else if (payload.op === 2) {
        gateway.identifies.push(payload.d ?? {});
        if (payload.d?.token !== token) return ws.close(4004, "Authentication failed.");
        const privileged = Number(payload.d.intents) & PRIVILEGED_INTENTS & ~(options.allowedPrivilegedIntents ?? 0);
        if (privileged) return ws.close(4014, "Disallowed intent(s).");
        sockets.push({ ws, seq: 0 });
        dispatch("READY", {
          v: 10,
          user: { ...userObject(bot), bot: true, verified: true, mfa_enabled: false, flags: 0 },
          guilds: [...guilds.values()].filter((g) => g.bot).map((g) => ({ id: g.id, unavailable: true })),
          session_id: randomBytes(16).toString("hex"),
          resume_gateway_url: gatewayUrl,
          shard: [0, 1],
          application: { id: applicationId, flags: 0 },
          private_channels: [],
          presences: [],
          relationships: [],
          guild_join_requests: [],
          user_settings: {},
        });
        for (const guild of guilds.values()) if (guild.bot) dispatch("GUILD_CREATE", guildObject(guild));
        changed();
      } else if (payload.op === 6) {
        // No resumable sessions here: tell the client to identify afresh.
        ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      }
    });
  });

  function dispatch(t: string, d: Json) {
    const current = sockets.at(-1);
    if (!current || current.ws.readyState !== current.ws.OPEN) return;
    current.seq += 1;
    current.ws.send(JSON.stringify({ op: 0, t, s: current.seq, d }));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const apiUrl = `http://127.0.0.1:${port}/api`;
  const gatewayUrl = `ws://127.0.0.1:${port}`;

  // ---------------------------------------------------------------- payloads
  function userObject(user: FakeUser): Json {
    return { id: user.id, username: user.username, discriminator: "0", global_name: user.globalName, avatar: null, public_flags: 0 };
  }

  function memberObject(guild: FakeGuild, userId: string): Json {
    const member = guild.members.get(userId)!;
    return {
      user: userObject(member.user),
      nick: member.nick,
      avatar: null,
      roles: [],
      joined_at: "2026-01-01T00:00:00.000Z",
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    };
  }

  function botMemberObject(): Json {
    return { user: { ...userObject(bot), bot: true }, nick: null, avatar: null, roles: [], joined_at: "2026-01-01T00:00:00.000Z", deaf: false, mute: false, flags: 0, pending: false, premium_since: null, communication_disabled_until: null };
  }

  function channelObject(channel: FakeChannel): Json {
    return {
      id: channel.id,
      type: channel.type,
      name: channel.name,
      guild_id: channel.guildId,
      position: channel.position,
      // A channel the bot was denied (`denyChannel`) says so, as a member overwrite against the bot.
      permission_overwrites: deniedChannels.has(channel.id)
        ? [{ id: bot.id, type: 1, allow: "0", deny: String(PERMISSION.sendMessages | PERMISSION.createPrivateThreads | PERMISSION.sendMessagesInThreads) }]
        : [],
      parent_id: channel.parentId ?? null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  function threadObject(thread: FakeChannel, autoArchive: number): Json {
    return {
      ...channelObject(thread),
      owner_id: bot.id,
      member_count: thread.members?.size ?? 0,
      message_count: 0,
      total_message_sent: 0,
      thread_metadata: { archived: false, auto_archive_duration: autoArchive, archive_timestamp: new Date().toISOString(), locked: false, invitable: thread.invitable ?? true },
    };
  }

  function guildObject(guild: FakeGuild): Json {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: [...guild.members.values()].find((m) => m.admin)?.user.id ?? bot.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: [{ id: guild.id, name: "@everyone", color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: 0, permissions: String(MEMBER_PERMISSIONS), managed: false, mentionable: false, flags: 0 }],
      emojis: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: guild.systemChannelId,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: "en-US",
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      stickers: [],
      joined_at: "2026-01-01T00:00:00.000Z",
      large: false,
      unavailable: false,
      member_count: guild.members.size + 1,
      voice_states: [],
      // Without the GuildMembers intent, Discord sends only the bot's own member.
      members: [botMemberObject()],
      channels: guild.channels.filter((c) => c.type === CHANNEL.guildText).map(channelObject),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  function messageObject(message: Pick<StoredMessage, "id" | "channel_id" | "content" | "embeds" | "components" | "flags" | "files"> & { guild_id?: string }): Json {
    return {
      id: message.id,
      channel_id: message.channel_id,
      ...(message.guild_id ? { guild_id: message.guild_id } : {}),
      author: { ...userObject(bot), bot: true },
      content: message.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: message.files.map((f, i) => ({ id: String(i), filename: f.name, size: f.text.length, url: `https://cdn.fake/${f.name}`, proxy_url: `https://cdn.fake/${f.name}`, content_type: f.contentType })),
      embeds: message.embeds,
      components: message.components,
      pinned: false,
      type: 0,
      flags: message.flags,
    };
  }

  function storedCommand(command: WireCommand, guildId: string | undefined): WireCommand & Json {
    // Discord answers with ids and defaults, and leaves out false flags: the bot must compare wisely.
    const strip = (options: WireCommandOption[] | undefined): WireCommandOption[] | undefined =>
      options?.map((o) => {
        const { required, autocomplete, options: nested, ...rest } = o;
        return { ...rest, ...(required ? { required } : {}), ...(autocomplete ? { autocomplete } : {}), ...(nested ? { options: strip(nested) } : {}) };
      });
    return {
      id: snowflake(),
      application_id: applicationId,
      version: snowflake(),
      default_member_permissions: null,
      type: 1,
      nsfw: false,
      dm_permission: true,
      integration_types: [0],
      contexts: null,
      ...(guildId ? { guild_id: guildId } : {}),
      ...command,
      options: strip(command.options) ?? [],
      name_localizations: null,
      description_localizations: null,
    };
  }

  function registeredJobclub(guildId: string): WireCommand {
    const found = [...(commands.guild.get(guildId) ?? []), ...commands.global].find((c) => c.name === "jobclub");
    if (!found) throw new Error("the bot has not registered /jobclub with the fake Discord");
    return found;
  }

  /** The interaction's options as Discord builds them from the registered command and typed values. */
  function buildOptions(guildId: string, commandName: string, values: Record<string, string | number | undefined>, focused?: string) {
    const registered = registeredJobclub(guildId);
    const [first, second] = commandName.split(" ") as [string, string | undefined];
    const top = (registered.options ?? []).find((o) => o.name === first);
    if (!top) throw new Error(`/jobclub has no ${first}`);
    const sub = second ? (top.options ?? []).find((o) => o.name === second) : top;
    if (!sub) throw new Error(`/jobclub ${first} has no ${second}`);
    const resolvedUsers: Json = {};
    const resolvedMembers: Json = {};
    const leaves = Object.entries(values)
      .filter(([, v]) => v !== undefined)
      .map(([name, value]) => {
        const declared = sub.options?.find((o) => o.name === name);
        if (!declared) throw new Error(`/jobclub ${commandName} has no option ${name}`);
        if (declared.type === 6) {
          const guild = guilds.get(guildId)!;
          const member = guild.members.get(String(value));
          const user = users.get(String(value));
          if (user) resolvedUsers[user.id] = userObject(user);
          if (member) {
            const { user: _user, ...rest } = memberObject(guild, member.user.id);
            void _user;
            resolvedMembers[member.user.id] = { ...rest, permissions: String(member.admin ? ADMIN_PERMISSIONS : MEMBER_PERMISSIONS) };
          }
        }
        return { name, type: declared.type, value, ...(focused === name ? { focused: true } : {}) };
      });
    const options = second ? [{ name: first, type: 2, options: [{ name: second, type: 1, options: leaves }] }] : [{ name: first, type: 1, options: leaves }];
    return {
      data: {
        id: registered.id,
        name: "jobclub",
        type: 1,
        ...(registered.guild_id ? { guild_id: registered.guild_id } : {}),
        options,
        ...(Object.keys(resolvedUsers).length ? { resolved: { users: resolvedUsers, members: resolvedMembers } } : {}),
      },
    };
  }

  function guildContext(guildId: string, user: FakeUser, channelId?: string, appPermissions = MEMBER_PERMISSIONS): Json {
    const guild = guilds.get(guildId);
    if (!guild) throw new Error(`no guild ${guildId}`);
    const member = guild.members.get(user.id);
    if (!member) throw new Error(`${user.username} is not in ${guild.name}`);
    const channel = channels.get(channelId ?? guild.channels[0]!.id)!;
    return {
      guild_id: guild.id,
      guild: { id: guild.id, locale: "en-US", features: [] },
      channel_id: channel.id,
      channel: channelObject(channel),
      member: { ...memberObject(guild, user.id), permissions: String(member.admin ? ADMIN_PERMISSIONS : MEMBER_PERMISSIONS) },
      app_permissions: String(appPermissions),
      guild_locale: "en-US",
      authorizing_integration_owners: { "0": guild.id },
      context: 0,
    };
  }

  function dmContext(user: FakeUser, channelId: string): Json {
    return {
      channel_id: channelId,
      channel: { id: channelId, type: CHANNEL.dm, last_message_id: null, flags: 0, recipients: [userObject(user)] },
      user: userObject(user),
      app_permissions: String(MEMBER_PERMISSIONS),
      authorizing_integration_owners: { "0": [...guilds.keys()][0] },
      context: 1,
    };
  }

  function newInteraction(type: number, context: Json, data: Json): FakeInteraction {
    const interaction: FakeInteraction = { id: snowflake(), token: `aW50ZXJhY3Rpb24${randomBytes(24).toString("base64url")}`, type, payload: {}, dispatchedAt: 0, answers: [] };
    interaction.payload = {
      id: interaction.id,
      application_id: applicationId,
      type,
      token: interaction.token,
      version: 1,
      locale: "en-GB",
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
      ...context,
      ...data,
    };
    return interaction;
  }

  function interact(type: number, context: Json, data: Json): FakeInteraction {
    if (endpoint.urls.length === 0 && sockets.length === 0) throw new Error("no bot is connected to the fake gateway, and no interactions endpoint is set");
    const interaction = newInteraction(type, context, data);
    interactions.set(interaction.id, interaction);
    if (endpoint.urls.length > 0) {
      deliverOverHttp(interaction, endpoint.urls[endpoint.next++ % endpoint.urls.length]!);
      return interaction;
    }
    interaction.dispatchedAt = Date.now();
    dispatch("INTERACTION_CREATE", interaction.payload);
    return interaction;
  }

  /** Signs as Discord does: Ed25519 over the timestamp followed by the raw body, hex. */
  function signatureHeaders(body: string, options: SignedPostOptions = {}): Record<string, string> {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signed = options.tamper === "forged-body" ? `${body} ` : body;
    const key = options.tamper === "other-key" ? otherKeys.privateKey : keys.privateKey;
    const signature = sign(null, Buffer.from(timestamp + signed), key).toString("hex");
    return {
      "content-type": "application/json",
      "user-agent": "Discord-Interactions/1.0 (+https://discord.com)",
      ...(options.tamper === "no-signature" ? {} : { "x-signature-ed25519": signature }),
      ...(options.tamper === "no-timestamp" ? {} : { "x-signature-timestamp": timestamp }),
    };
  }

  async function signedPost(url: string, payload: Json | string, options: SignedPostOptions = {}): Promise<{ status: number; contentType: string; text: string }> {
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    const res = await fetch(url, { method: "POST", headers: signatureHeaders(body, options), body });
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
  }

  /**
   * POSTs the interaction to the endpoint and takes the response as its first answer, with
   * Discord's rules: 200 with a JSON interaction response within 3 s, or the interaction failed.
   */
  function deliverOverHttp(interaction: FakeInteraction, url: string): void {
    const http: NonNullable<FakeInteraction["http"]> = { url, delivered: Promise.resolve() };
    interaction.http = http;
    const body = JSON.stringify(interaction.payload);
    interaction.dispatchedAt = Date.now();
    http.delivered = (async () => {
      try {
        const res = await fetch(url, { method: "POST", headers: signatureHeaders(body), body, signal: AbortSignal.timeout(responseWindowMs) });
        http.status = res.status;
        const text = await res.text();
        if (res.status !== 200) return void (http.failure = `HTTP ${res.status}: ${text.slice(0, 200)}`);
        if (Date.now() - interaction.dispatchedAt > responseWindowMs) return void (http.failure = "answered after the 3-second window");
        if (!(res.headers.get("content-type") ?? "").startsWith("application/json")) return void (http.failure = `not JSON: ${res.headers.get("content-type")}`);
        const callback = JSON.parse(text) as WireCallback;
        if (![CALLBACK.reply, CALLBACK.deferredReply, CALLBACK.deferredUpdate, CALLBACK.update, CALLBACK.autocomplete].includes(Number(callback.type) as 4)) {
          return void (http.failure = `not an interaction response type: ${String(callback.type)}`);
        }
        const problems = callback.data && (callback.type === CALLBACK.reply || callback.type === CALLBACK.update) ? messageProblems(callback.data) : [];
        if (problems.length) return void (http.failure = `Invalid Form Body: ${problems.join("; ")}`);
        interaction.answers.push({ kind: "callback", type: Number(callback.type), data: callback.data ?? {}, files: [] });
      } catch (error) {
        http.failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      } finally {
        changed();
      }
    })();
  }

  function finalAnswer(interaction: FakeInteraction): FinalAnswer | undefined {
    const callback = interaction.answers.find((a) => a.kind === "callback");
    if (!callback) return undefined;
    const sequence = interaction.answers.map((a) => (a.kind === "callback" ? a.type : a.kind));
    const ephemeral = (Number(callback.data.flags ?? 0) & 64) !== 0;
    if (callback.type === CALLBACK.reply || callback.type === CALLBACK.autocomplete) return { deferred: false, ephemeral, message: callback.data, files: callback.files, sequence };
    if (callback.type === CALLBACK.deferredReply) {
      const edit = interaction.answers.find((a) => a.kind === "edit");
      return edit ? { deferred: true, ephemeral, message: edit.data, files: edit.files, sequence } : undefined;
    }
    return undefined;
  }

  async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
    const first = check();
    if (first !== undefined) return first;
    return new Promise<T>((resolve, reject) => {
      const onChange = () => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        changes.off("change", onChange);
        resolve(value);
      };
      // A guard against hanging forever, not a timing assertion: generous on purpose.
      const timer = setTimeout(() => {
        changes.off("change", onChange);
        reject(new Error(`fake discord: gave up waiting for ${what}`));
      }, timeoutMs);
      changes.on("change", onChange);
    });
  }

  return {
    token,
    applicationId,
    apiUrl,
    gatewayUrl,
    bot,
    gateway,
    calls,
    messages,
    interactions,
    earlyRetries,
    commands,
    commandPuts,
    channels,

    addGuild(spec: { name: string; channels: string[]; systemChannel?: string; bot?: boolean }): FakeGuild {
      const guild: FakeGuild = { id: snowflake(), name: spec.name, systemChannelId: null, channels: [], members: new Map(), bot: spec.bot ?? true };
      spec.channels.forEach((name, position) => {
        const channel: FakeChannel = { id: snowflake(), type: CHANNEL.guildText, name, guildId: guild.id, position };
        channels.set(channel.id, channel);
        guild.channels.push(channel);
      });
      if (spec.systemChannel) guild.systemChannelId = guild.channels.find((c) => c.name === spec.systemChannel)!.id;
      guilds.set(guild.id, guild);
      return guild;
    },

    addMember(guild: FakeGuild, spec: { username: string; globalName?: string | null; nick?: string; admin?: boolean; user?: FakeUser }): FakeUser {
      const user = spec.user ?? { id: snowflake(), username: spec.username, globalName: spec.globalName ?? null };
      users.set(user.id, user);
      guild.members.set(user.id, { user, admin: spec.admin ?? false, nick: spec.nick ?? null });
      return user;
    },

    /** The bot is removed from a server (kicked): Discord dispatches GUILD_DELETE without `unavailable`. */
    removeBot(guild: FakeGuild) {
      guild.bot = false;
      dispatch("GUILD_DELETE", { id: guild.id });
    },
    /** The bot is added to a server (again): GUILD_CREATE with the whole server. */
    addBot(guild: FakeGuild) {
      guild.bot = true;
      dispatch("GUILD_CREATE", guildObject(guild));
    },
    removeMember(guild: FakeGuild, user: FakeUser) {
      guild.members.delete(user.id);
    },

    channel(guild: FakeGuild, name: string): FakeChannel {
      const found = guild.channels.find((c) => c.name === name);
      if (!found) throw new Error(`no #${name}`);
      return found;
    },

    closeDms(user: FakeUser) {
      closedDms.add(user.id);
    },
    denyChannel(channel: FakeChannel) {
      deniedChannels.add(channel.id);
    },
    rateLimit(rule: RateLimitRule) {
      rateLimits.push({ ...rule, times: rule.times ?? 1 });
    },
    fail(rule: { method: string; path: RegExp; status: number; times?: number }) {
      failingRoutes.push({ ...rule, times: rule.times ?? 1 });
    },

    /** `/jobclub goal add text:...` typed by a member in a channel (the first channel by default). */
    command(
      guild: FakeGuild,
      user: FakeUser,
      commandName: string,
      values: Record<string, string | number | undefined> = {},
      opts: { channelId?: string; botCannotOpenThreads?: boolean } = {},
    ): FakeInteraction {
      const appPermissions = opts.botCannotOpenThreads ? MEMBER_PERMISSIONS & ~(PERMISSION.createPrivateThreads | PERMISSION.sendMessagesInThreads) : MEMBER_PERMISSIONS;
      return interact(2, guildContext(guild.id, user, opts.channelId, appPermissions), buildOptions(guild.id, commandName, values));
    },

    /** The payload of `/jobclub <command>` as Discord would send it, sent nowhere: for hand-made requests. */
    commandPayload(guild: FakeGuild, user: FakeUser, commandName: string, values: Record<string, string | number | undefined> = {}): Json {
      return newInteraction(2, guildContext(guild.id, user), buildOptions(guild.id, commandName, values)).payload;
    },

    /** A raw chat-input interaction, for payloads Discord's client would never build. */
    rawCommand(guild: FakeGuild, user: FakeUser, data: Json): FakeInteraction {
      return interact(2, guildContext(guild.id, user), { data });
    },

    autocomplete(guild: FakeGuild, user: FakeUser, commandName: string, values: Record<string, string | number | undefined>, focused: string): FakeInteraction {
      return interact(4, guildContext(guild.id, user), buildOptions(guild.id, commandName, values, focused));
    },

    /** A click on a button of a message the bot sent (or a forged custom_id on it). */
    click(user: FakeUser, message: StoredMessage | { channel_id: string; guild_id?: string; id: string }, customId: string): FakeInteraction {
      const channel = channels.get(message.channel_id)!;
      const stored = messages.find((m) => m.id === message.id);
      const context = channel.type === CHANNEL.dm ? dmContext(user, channel.id) : guildContext(channel.guildId!, user, channel.id);
      const messagePayload = messageObject(stored ?? { id: message.id, channel_id: message.channel_id, content: "", embeds: [], components: [], flags: 0, files: [] });
      return interact(3, context, { message: messagePayload, data: { custom_id: customId, component_type: 2 } });
    },

    /** A click on a button of an ephemeral interaction reply. */
    clickOnAnswer(guild: FakeGuild, user: FakeUser, answered: FakeInteraction, customId: string): FakeInteraction {
      const channelId = String(answered.payload.channel_id);
      const answer = finalAnswer(answered);
      const messagePayload = messageObject({ id: snowflake(), channel_id: channelId, content: answer?.message.content ?? "", embeds: answer?.message.embeds ?? [], components: answer?.message.components ?? [], flags: 64, files: [] });
      return interact(3, guildContext(guild.id, user, channelId), { message: messagePayload, data: { custom_id: customId, component_type: 2 } });
    },

    async answer(interaction: FakeInteraction, timeoutMs?: number): Promise<FinalAnswer> {
      const outcome = await waitFor(
        () => (interaction.http?.failure ? { failure: interaction.http.failure } : finalAnswer(interaction)),
        `the answer to interaction ${interaction.id}`,
        timeoutMs,
      );
      if ("failure" in outcome) throw new Error(`interaction ${interaction.id} failed over HTTP: ${outcome.failure}`);
      return outcome;
    },

    /** The application's Ed25519 public key, hex, as the Developer Portal shows it. */
    publicKey,

    /**
     * Sets the Developer Portal's Interactions Endpoint URL (several: a load balancer's round robin).
     * From then on interactions are POSTed there, not sent on the gateway; an empty list goes back.
     */
    setInteractionsEndpoint(urls: string | string[]) {
      endpoint.urls = typeof urls === "string" ? [urls] : [...urls];
      endpoint.next = 0;
    },

    /**
     * What the Developer Portal checks when the URL is saved: a signed PING is answered with a PONG,
     * and a request with a bad signature is refused with 401.
     */
    async verifyEndpoint(url: string): Promise<{ ok: boolean; problems: string[] }> {
      const problems: string[] = [];
      const ping = { id: snowflake(), application_id: applicationId, type: 1, token: `cGluZw${randomBytes(24).toString("base64url")}`, version: 1 };
      const good = await signedPost(url, ping);
      if (good.status !== 200) problems.push(`a signed PING got HTTP ${good.status}`);
      else if (!good.contentType.startsWith("application/json") || (JSON.parse(good.text) as { type?: unknown }).type !== 1) problems.push(`a signed PING got ${good.text}`);
      const bad = await signedPost(url, ping, { tamper: "forged-body" });
      if (bad.status !== 401) problems.push(`a PING with a bad signature got HTTP ${bad.status}, not 401`);
      return { ok: problems.length === 0, problems };
    },

    signedPost,

    waitFor,

    /** The DM channel between the bot and a user, opened if need be (as when they message the bot). */
    openDm(user: FakeUser): FakeChannel {
      let dm = [...channels.values()].find((c) => c.type === CHANNEL.dm && c.recipientId === user.id);
      if (!dm) {
        dm = { id: snowflake(), type: CHANNEL.dm, name: "", position: 0, recipientId: user.id };
        channels.set(dm.id, dm);
      }
      return dm;
    },
    dmChannelOf(user: FakeUser): FakeChannel | undefined {
      return [...channels.values()].find((c) => c.type === CHANNEL.dm && c.recipientId === user.id);
    },
    dmsTo(user: FakeUser): StoredMessage[] {
      const dm = [...channels.values()].find((c) => c.type === CHANNEL.dm && c.recipientId === user.id);
      return dm ? messages.filter((m) => m.channel_id === dm.id) : [];
    },
    messagesIn(channelId: string): StoredMessage[] {
      return messages.filter((m) => m.channel_id === channelId);
    },
    threads(): FakeChannel[] {
      return [...channels.values()].filter((c) => c.type === CHANNEL.privateThread);
    },

    /** Who a message would notify on Discord, given its content and allowed_mentions. */
    pingsOf(message: StoredMessage): { everyone: boolean; users: string[]; roles: string[] } {
      const text = message.content;
      const mentionedUsers = [...text.matchAll(/<@!?(\d+)>/g)].map((x) => x[1]!);
      const mentionedRoles = [...text.matchAll(/<@&(\d+)>/g)].map((x) => x[1]!);
      const allowed = message.allowed_mentions;
      if (!allowed) return { everyone: /@(everyone|here)/.test(text), users: mentionedUsers, roles: mentionedRoles };
      const parse: string[] = allowed.parse ?? [];
      const allowedUsers: string[] = allowed.users ?? [];
      const allowedRoles: string[] = allowed.roles ?? [];
      return {
        everyone: parse.includes("everyone") && /@(everyone|here)/.test(text),
        users: mentionedUsers.filter((id) => parse.includes("users") || allowedUsers.includes(id)),
        roles: mentionedRoles.filter((id) => parse.includes("roles") || allowedRoles.includes(id)),
      };
    },

    /** Sends a dispatch to the connected bot, e.g. an event with a payload discord.js can't handle. */
    dispatch,

    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Discord's message limits, checked independently of the renderer under test. */
function messageProblems(body: WireMessage): string[] {
  const problems: string[] = [];
  if (typeof body.content === "string" && body.content.length > 2000) problems.push("content over 2000");
  const embeds = body.embeds ?? [];
  if (embeds.length > 10) problems.push("more than 10 embeds");
  let total = 0;
  for (const e of embeds) {
    if ((e.title ?? "").length > 256) problems.push("embed title over 256");
    if ((e.description ?? "").length > 4096) problems.push("embed description over 4096");
    if ((e.fields ?? []).length > 25) problems.push("more than 25 fields");
    total += (e.title ?? "").length + (e.description ?? "").length;
    for (const f of e.fields ?? []) {
      if (!f.name || f.name.length > 256) problems.push("field name empty or over 256");
      if (!f.value || f.value.length > 1024) problems.push("field value empty or over 1024");
      total += f.name.length + f.value.length;
    }
  }
  if (total > 6000) problems.push("embeds over 6000 characters");
  const rows = body.components ?? [];
  if (rows.length > 5) problems.push("more than 5 action rows");
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.type !== 1) problems.push("top-level component is not an action row");
    const buttons = row.components ?? [];
    if (buttons.length < 1 || buttons.length > 5) problems.push("an action row needs 1-5 buttons");
    for (const b of buttons) {
      if (b.type !== 2) problems.push("not a button");
      if (!b.label || b.label.length > 80) problems.push("label empty or over 80");
      // A link button (style 5) carries a url and no custom_id; the others the reverse.
      if (b.style === 5) {
        if (!b.url || b.url.length > 512 || b.custom_id !== undefined) problems.push("a link button needs a url (512 at most) and no custom_id");
        continue;
      }
      if (!b.custom_id || b.custom_id.length > 100) problems.push("custom_id empty or over 100");
      if (ids.has(b.custom_id ?? "")) problems.push(`duplicate custom_id ${b.custom_id}`);
      ids.add(b.custom_id ?? "");
      if (![1, 2, 3, 4].includes(b.style ?? 0)) problems.push("bad button style");
    }
  }
  return problems;
}

/** The checks Discord makes when commands are registered (a subset, written independently). */
function commandProblems(command: WireCommand): string[] {
  const problems: string[] = [];
  const name = /^[-_\p{L}\p{N}]{1,32}$/u;
  let total = 0;
  const named = (where: string, o: { name: string; description: string }) => {
    if (!name.test(o.name ?? "") || o.name !== String(o.name).toLowerCase()) problems.push(`${where}: bad name ${o.name}`);
    if (!o.description || o.description.length > 100) problems.push(`${where}: bad description`);
    total += (o.name ?? "").length + (o.description ?? "").length;
  };
  const walk = (where: string, options: WireCommandOption[] | undefined, depth: number) => {
    if (!options) return;
    if (options.length > 25) problems.push(`${where}: over 25 options`);
    let optional = false;
    for (const o of options) {
      named(`${where} ${o.name}`, o);
      if (o.type === 1 || o.type === 2) {
        if (depth >= (o.type === 2 ? 1 : 2)) problems.push(`${where} ${o.name}: nested too deep`);
        walk(`${where} ${o.name}`, o.options, depth + 1);
        continue;
      }
      if (o.required && optional) problems.push(`${where} ${o.name}: required after optional`);
      if (!o.required) optional = true;
      if ((o.choices ?? []).length > 25) problems.push(`${where} ${o.name}: over 25 choices`);
      if (o.choices && o.autocomplete) problems.push(`${where} ${o.name}: choices with autocomplete`);
      for (const c of o.choices ?? []) total += String(c.name).length + String(c.value).length;
      if (o.max_length !== undefined && (o.max_length < 1 || o.max_length > 6000)) problems.push(`${where} ${o.name}: bad max_length`);
    }
  };
  named("command", command);
  walk(command.name, command.options, 0);
  if (total > 8000) problems.push("over 8000 characters");
  return problems;
}
