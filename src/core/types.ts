/** The platforms Warmpath speaks on. The console is a platform like the others. */
export type Platform = "slack" | "discord" | "console";

/** A club as a platform names it: a Slack workspace, a Discord guild, or the local console. */
export interface ClubRef {
  platform: Platform;
  /** Workspace id (T123), guild id, or "local". */
  externalId: string;
  /** Shown in welcome texts; taken on first contact. */
  name?: string;
}

/** Who is acting, as the platform names them. */
export interface Actor {
  platformUserId: string;
  displayName: string;
  /** Workspace/guild admin: may run organiser commands. */
  isPlatformAdmin?: boolean;
}

/**
 * One request to the core. Text (console, Slack) and typed options (Discord) both reach the same
 * zod schemas: `text` is tokenised by the core, `options` are already split by the platform.
 */
export interface Invocation {
  club: ClubRef;
  actor: Actor;
  /** Where it was typed, so club-wide posts (a win) can go back there. */
  channelId?: string;
  /** How it arrived: a button click carries a command line the core re-validates like typed text. */
  via: "text" | "button" | "options";
  /** For via text/button: the words after the slash command (or the console line). */
  text?: string;
  /** For via options: the command name ("goal add") and raw option values by field name. */
  command?: string;
  options?: Record<string, string | number | boolean | undefined>;
}

export type ButtonStyle = "primary" | "danger" | "default";

/**
 * A button runs a command line as whoever clicks it. The core re-parses and re-checks it exactly as
 * if typed, so a forged click can do no more than typing could.
 */
export interface Button {
  label: string;
  command: string;
  style?: ButtonStyle;
}

/**
 * A button that opens a web page (the dashboard's sign-in link) instead of running a command. The
 * reply's text must carry the address too, for platforms and clients without buttons.
 */
export interface LinkButton {
  label: string;
  url: string;
}

export interface Field {
  label: string;
  value: string;
}

/**
 * A platform-neutral reply: adapters render it (Block Kit, Discord embeds, plain text). `text` is
 * always a complete plain-text version on its own.
 */
export interface Reply {
  text: string;
  title?: string;
  fields?: Field[];
  buttons?: Button[];
  /** Buttons that open a web page, shown after `buttons`. */
  links?: LinkButton[];
  /** Private to the person (ephemeral / DM) or for everyone in the channel. */
  visibility: "private" | "public";
  tone?: "info" | "success" | "error";
  /** A document sent with the reply (export). */
  attachment?: { filename: string; contentType: string; content: string };
}

/** Injectable time, so every job can be tested at any date. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
