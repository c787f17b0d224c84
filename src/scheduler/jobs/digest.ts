import { buildDigest } from "../../core/services/digest.js";
import type { Job } from "./job.js";

/** The weekly digest, posted once to the club's digest channel. */
export const digest: Job = async (ctx) => {
  const { about, ...reply } = await buildDigest(ctx.store, ctx.club, ctx.slot);
  await ctx.send({ kind: "channel", channelId: ctx.club.digestChannelId, reply, about, dedupeKey: `digest:${ctx.slot.toISOString()}` });
  return 1;
};
