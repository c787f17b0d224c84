/**
 * A member as the platforms write them: Slack `<@U123|bob>` or `<@U123>`, Discord `<@123>` or
 * `<@!123>`, the console `@bob`. Returns the platform user id, or undefined when it is no mention.
 * The bot's own messages write `<@#12>` (a member id), which works on every platform: ids of that
 * form start with "#", which no platform's user ids do.
 */
export function parseMention(token: string): string | undefined {
  const trimmed = token.trim();
  const member = /^<@#(\d{1,10})>$/.exec(trimmed);
  if (member) return `#${member[1]}`;
  const wrapped = /^<@!?([A-Za-z0-9._-]{1,64})(?:\|[^>]{0,100})?>$/.exec(trimmed);
  if (wrapped) return wrapped[1];
  const plain = /^@([\p{L}\p{N}._-]{1,64})$/u.exec(trimmed);
  if (plain) return plain[1]!.toLowerCase();
  return undefined;
}

/** A member reference for buttons the bot writes: resolves on any platform, within the club only. */
export function memberRef(memberId: number): string {
  return `<@#${memberId}>`;
}

/** The member id of a `<@#12>` reference read by parseMention, if it is one (and a possible id). */
export function memberIdOfRef(parsed: string): number | undefined {
  if (!parsed.startsWith("#")) return undefined;
  const id = Number(parsed.slice(1));
  // Ids are Postgres integers: anything larger names nobody.
  return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : 0;
}

/**
 * A channel as the platforms write it: Slack `<#C123|job-club>` or `<#C123>`, Discord `<#123>`,
 * the console `#job-club`. Returns the channel id, or undefined.
 */
export function parseChannelMention(token: string): string | undefined {
  const trimmed = token.trim();
  const wrapped = /^<#([A-Za-z0-9_-]{1,64})(?:\|[^>]{0,100})?>$/.exec(trimmed);
  if (wrapped) return wrapped[1];
  const plain = /^#([\p{L}\p{N}._-]{1,80})$/u.exec(trimmed);
  return plain ? plain[1]!.toLowerCase() : undefined;
}
