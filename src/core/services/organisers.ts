import type { CommandContext } from "../command.js";
import { UserError } from "../errors.js";

/**
 * Organiser commands are for the workspace/guild admins and the club's organiser list, whatever a
 * platform's UI shows: checked here, on every call, from the actor and the database.
 */
export async function requireOrganiser(ctx: CommandContext): Promise<void> {
  if (ctx.actor.isPlatformAdmin) return;
  const organisers = await ctx.store.scheduling.organisers();
  if (organisers.some((o) => o.memberId === ctx.me.id)) return;
  throw new UserError(
    "CONFIG.NOT_ORGANISER",
    `Only the club's organisers and workspace admins can do that.${organisers.length ? ` Organisers: ${organisers.map((o) => o.displayName).join(", ")}.` : ""}`,
  );
}
