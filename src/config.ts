import { z } from "zod";
import type { LogLevel } from "./util/logger.js";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const url = (name: string, schemes: string[]) =>
  optionalString.refine((v) => v === undefined || (URL.canParse(v) && schemes.includes(new URL(v).protocol.replace(/:$/, ""))), {
    message: `${name} must be a ${schemes.join(" or ")} URL`,
  });

/**
 * The whole configuration, read from the environment once. Half-set platform settings are errors
 * that name the missing variable; secret values never appear in messages.
 */
export const configSchema = z
  .object({
    DATABASE_URL: url("DATABASE_URL", ["postgres", "postgresql"]),
    DATA_DIR: optionalString.default("./data"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    SCHEDULER_CATCH_UP_HOURS: z.coerce.number().min(0).max(168).default(6),
    OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    OUTBOX_FAILED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    // Claims keep a slot from running twice: they must outlive the longest catch-up (168 hours).
    SCHEDULED_RUNS_RETENTION_DAYS: z.coerce.number().int().min(8).max(3650).default(90),
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(10),
    // Where browsers reach this process: links to the dashboard start with it.
    PUBLIC_URL: url("PUBLIC_URL", ["http", "https"]).refine((v) => v === undefined || !URL.canParse(v) || (new URL(v).pathname === "/" && !new URL(v).search && !new URL(v).hash && !new URL(v).username), {
      message: "PUBLIC_URL must be the address alone, like https://warmpath.example.com, with no path, query or credentials",
    }),
    DASHBOARD_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, { message: "DASHBOARD_SECRET must be at least 32 characters (openssl rand -hex 32 makes one)" }),

    SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith("xoxb-"), { message: "SLACK_BOT_TOKEN must be a bot token starting with xoxb-" }),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith("xapp-"), { message: "SLACK_APP_TOKEN must be an app-level token starting with xapp-" }),
    SLACK_API_URL: url("SLACK_API_URL", ["http", "https"]),
    SLACK_DELIVERIES_PER_MINUTE: z.coerce.number().min(1).max(6000).default(50),
    SLACK_COMMAND: optionalString.default("/jobclub").refine((v) => /^\/[a-z0-9_-]{1,31}$/.test(v ?? ""), { message: "SLACK_COMMAND must look like /jobclub" }),
    // Distribution: any workspace installs the app through Slack's OAuth flow (instead of SLACK_BOT_TOKEN).
    SLACK_CLIENT_ID: optionalString.refine((v) => v === undefined || /^\d+\.\d+$/.test(v), { message: "SLACK_CLIENT_ID must be the app's Client ID from Basic Information, like 1234567890.1234567890" }),
    SLACK_CLIENT_SECRET: optionalString,
    SLACK_STATE_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, { message: "SLACK_STATE_SECRET must be a random string of at least 16 characters, e.g. from `openssl rand -hex 32`" }),
    SLACK_TOKEN_ENCRYPTION_KEY: optionalString.refine((v) => v === undefined || encryptionKey(v) !== undefined, {
      message: "SLACK_TOKEN_ENCRYPTION_KEY must be 32 random bytes in base64, e.g. the output of `openssl rand -base64 32`",
    }),
    SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS: optionalString.refine((v) => v === undefined || v.split(",").every((k) => encryptionKey(k) !== undefined), {
      message: "SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS must be earlier SLACK_TOKEN_ENCRYPTION_KEY values (32 bytes in base64), separated by commas",
    }),

    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: optionalString.refine((v) => v === undefined || /^\d{15,22}$/.test(v), { message: "DISCORD_APPLICATION_ID must be the numeric application id" }),
    DISCORD_API_URL: url("DISCORD_API_URL", ["http", "https"]),
    DISCORD_GUILD_ID: optionalString.refine((v) => v === undefined || /^\d{15,22}$/.test(v), { message: "DISCORD_GUILD_ID must be a numeric guild id" }),
    DISCORD_PUBLIC_KEY: optionalString.refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v), {
      message: "DISCORD_PUBLIC_KEY must be the application's Public Key from the Developer Portal (General Information): 64 hexadecimal characters",
    }),
  })
  .superRefine((env, ctx) => {
    const requireWith = (present: keyof typeof env, needed: keyof typeof env) => {
      if (env[present] !== undefined && env[needed] === undefined) {
        ctx.addIssue({ code: "custom", path: [needed], message: `${needed} is required when ${present} is set` });
      }
    };
    requireWith("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET");
    if (env.SLACK_SIGNING_SECRET !== undefined && env.SLACK_BOT_TOKEN === undefined && env.SLACK_CLIENT_ID === undefined) {
      ctx.addIssue({ code: "custom", path: ["SLACK_BOT_TOKEN"], message: "SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set (or SLACK_CLIENT_ID and its settings, for an app any workspace installs)" });
    }
    requireWith("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN");
    if (env.SLACK_BOT_TOKEN !== undefined && env.SLACK_CLIENT_ID !== undefined) {
      ctx.addIssue({ code: "custom", path: ["SLACK_CLIENT_ID"], message: "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID (installs through OAuth), not both" });
    }
    for (const needed of ["SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "SLACK_SIGNING_SECRET", "SLACK_TOKEN_ENCRYPTION_KEY"] as const) requireWith("SLACK_CLIENT_ID", needed);
    for (const present of ["SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "SLACK_TOKEN_ENCRYPTION_KEY"] as const) requireWith(present, "SLACK_CLIENT_ID");
    requireWith("DISCORD_TOKEN", "DISCORD_APPLICATION_ID");
    requireWith("DISCORD_APPLICATION_ID", "DISCORD_TOKEN");
    // Interactions arrive over HTTP, but replies, DMs and threads still go out through the bot's REST client.
    requireWith("DISCORD_PUBLIC_KEY", "DISCORD_TOKEN");
    requireWith("DISCORD_PUBLIC_KEY", "DISCORD_APPLICATION_ID");
  });

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  port: number;
  /** Scheduled runs missed while no process was up are caught up when at most this old. */
  catchUpWindowHours: number;
  /** How long a message claimed by a process that then died waits before another delivers it. */
  outboxLeaseSeconds: number;
  /** Days the daily housekeeping keeps sent and failed outbox rows and scheduled-run claims. */
  retention: { sentOutboxDays: number; failedOutboxDays: number; scheduledRunsDays: number };
  /** Postgres time limits: opening a connection, one statement, waiting for a lock. */
  databaseTimeouts: { connectMs: number; statementMs: number; lockMs: number };
  /** On SIGTERM, how long commands under way may take to finish before the database closes. */
  shutdownGraceMs: number;
  /** Where browsers reach this process (no trailing slash): PUBLIC_URL, else http://localhost:PORT. */
  publicUrl: string;
  /** Signs the dashboard's sign-in links; without it each club's key is made and kept in the database. */
  dashboardSecret?: string;
  /** Exactly one of `botToken` (one workspace) and `oauth` (any workspace installs it). */
  slack?: { botToken?: string; oauth?: SlackOAuthConfig; signingSecret: string; appToken?: string; apiUrl?: string; command: string; deliveriesPerMinute: number };
  /** With `publicKey`: interactions over HTTP at /discord/interactions, no gateway connection. */
  discord?: { token: string; applicationId: string; apiUrl?: string; guildId?: string; publicKey?: string };
  /** Every secret value, so the logger can scrub them. */
  secrets: string[];
}

/** Slack distribution: the app's OAuth credentials and the key that encrypts stored tokens. */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  tokenEncryptionKey: Buffer;
  /** Earlier keys, for reading tokens stored before a key change. */
  previousTokenEncryptionKeys: Buffer[];
  /** PUBLIC_URL + /slack/oauth_redirect when PUBLIC_URL is set; else Slack uses the app's one redirect URL. */
  redirectUri?: string;
}

/** 32 bytes from base64 (or base64url), or undefined when the value is not exactly that. */
function encryptionKey(value: string): Buffer | undefined {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return key.length === 32 ? key : undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration error:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every setting.`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "environment");
        // zod's own messages may quote the received value: ours never do, so keep only ours.
        return issue.code === "custom" || issue.message.includes(name) ? issue.message : `${name} is invalid (expected ${describeExpected(name)})`;
      }),
    );
  }
  const e = parsed.data;
  const config: Config = {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR ?? "./data",
    logLevel: e.LOG_LEVEL ?? "info",
    port: e.PORT,
    catchUpWindowHours: e.SCHEDULER_CATCH_UP_HOURS,
    outboxLeaseSeconds: e.OUTBOX_LEASE_SECONDS,
    retention: { sentOutboxDays: e.OUTBOX_RETENTION_DAYS, failedOutboxDays: e.OUTBOX_FAILED_RETENTION_DAYS, scheduledRunsDays: e.SCHEDULED_RUNS_RETENTION_DAYS },
    databaseTimeouts: { connectMs: e.DATABASE_CONNECT_TIMEOUT_MS, statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS, lockMs: e.DATABASE_LOCK_TIMEOUT_MS },
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    ...(e.DASHBOARD_SECRET ? { dashboardSecret: e.DASHBOARD_SECRET } : {}),
    secrets: [e.SLACK_BOT_TOKEN, e.SLACK_SIGNING_SECRET, e.SLACK_APP_TOKEN, e.SLACK_CLIENT_SECRET, e.SLACK_STATE_SECRET, e.SLACK_TOKEN_ENCRYPTION_KEY, ...(e.SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS?.split(",").map((k) => k.trim()) ?? []), e.DISCORD_TOKEN, e.DASHBOARD_SECRET, passwordOf(e.DATABASE_URL)].filter((s): s is string => !!s),
  };
  if ((e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID) && e.SLACK_SIGNING_SECRET) {
    config.slack = {
      ...(e.SLACK_BOT_TOKEN ? { botToken: e.SLACK_BOT_TOKEN } : {}),
      ...(e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.SLACK_TOKEN_ENCRYPTION_KEY
        ? {
            oauth: {
              clientId: e.SLACK_CLIENT_ID,
              clientSecret: e.SLACK_CLIENT_SECRET,
              stateSecret: e.SLACK_STATE_SECRET,
              tokenEncryptionKey: encryptionKey(e.SLACK_TOKEN_ENCRYPTION_KEY)!,
              previousTokenEncryptionKeys: (e.SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS?.split(",") ?? []).map((k) => encryptionKey(k)!),
              ...(e.PUBLIC_URL ? { redirectUri: `${e.PUBLIC_URL.replace(/\/+$/, "")}/slack/oauth_redirect` } : {}),
            },
          }
        : {}),
      signingSecret: e.SLACK_SIGNING_SECRET,
      command: e.SLACK_COMMAND ?? "/jobclub",
      deliveriesPerMinute: e.SLACK_DELIVERIES_PER_MINUTE,
      ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
      ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
    };
  }
  if (e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID) {
    config.discord = {
      token: e.DISCORD_TOKEN,
      applicationId: e.DISCORD_APPLICATION_ID,
      ...(e.DISCORD_API_URL ? { apiUrl: e.DISCORD_API_URL } : {}),
      ...(e.DISCORD_GUILD_ID ? { guildId: e.DISCORD_GUILD_ID } : {}),
      ...(e.DISCORD_PUBLIC_KEY ? { publicKey: e.DISCORD_PUBLIC_KEY.toLowerCase() } : {}),
    };
  }
  return config;
}

function describeExpected(name: string): string {
  if (name === "PORT") return "a port number from 1 to 65535";
  if (name === "LOG_LEVEL") return "debug, info, warn, error or silent";
  if (name === "SCHEDULER_CATCH_UP_HOURS") return "a number of hours from 0 to 168";
  if (name === "OUTBOX_LEASE_SECONDS") return "a number of seconds from 1 to 3600";
  if (name === "OUTBOX_RETENTION_DAYS" || name === "OUTBOX_FAILED_RETENTION_DAYS") return "a whole number of days from 1 to 3650";
  if (name === "SCHEDULED_RUNS_RETENTION_DAYS") return "a whole number of days from 8 to 3650, since run claims must outlive the longest catch-up of 7 days";
  if (name.startsWith("DATABASE_") && name.endsWith("_TIMEOUT_MS")) return "a number of milliseconds, at least 100";
  if (name === "SLACK_DELIVERIES_PER_MINUTE") return "a number of deliveries a minute from 1 to 6000";
  if (name === "SHUTDOWN_GRACE_SECONDS") return "a number of seconds from 0 to 600";
  return "a different value";
}

function passwordOf(databaseUrl: string | undefined): string | undefined {
  if (!databaseUrl) return undefined;
  try {
    return decodeURIComponent(new URL(databaseUrl).password) || undefined;
  } catch {
    return undefined;
  }
}
