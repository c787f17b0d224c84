import { buildDigest } from "../../core/services/digest.js";
import type { Job } from "./job.js";

/** The weekly digest, posted once to the club's digest channel on each platform the club is on. */
export const digest: Job = async (ctx) => {
  const { about, ...reply } = await buildDigest(ctx.store, ctx.club, ctx.slot);
  const links = await ctx.store.links.links();
  await ctx.sendMany(
    links.map((link) => ({ kind: "channel", platform: link.platform, channelId: link.digestChannelId, reply, about, dedupeKey: `digest:${ctx.slot.toISOString()}:${link.platform}` })),
  );
  return links.length;
};
