/**
 * A member as the platforms write them: Slack `<@U123|bob>` or `<@U123>`, Discord `<@123>` or
 * `<@!123>`, the console `@bob`. Returns the platform user id, or undefined when it is no mention.
 */
export function parseMention(token: string): string | undefined {
  const trimmed = token.trim();
  const wrapped = /^<@!?([A-Za-z0-9._-]{1,64})(?:\|[^>]{0,100})?>$/.exec(trimmed);
  if (wrapped) return wrapped[1];
  const plain = /^@([\p{L}\p{N}._-]{1,64})$/u.exec(trimmed);
  if (plain) return plain[1]!.toLowerCase();
  return undefined;
}
