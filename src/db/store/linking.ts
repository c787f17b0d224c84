import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client.js";
import { clubLinks } from "../schema/index.js";
import type { Platform } from "../../core/types.js";

export interface ClubLinkRow {
  platform: Platform;
  externalId: string;
  digestChannelId: string | null;
}

/** The club's places on the platforms (one per platform), and what is set per place. */
export function linkStore(db: Db, clubId: number) {
  return {
    /** Where the club lives, first-linked first. */
    async links(): Promise<ClubLinkRow[]> {
      return db
        .select({ platform: clubLinks.platform, externalId: clubLinks.externalId, digestChannelId: clubLinks.digestChannelId })
        .from(clubLinks)
        .where(eq(clubLinks.clubId, clubId))
        .orderBy(asc(clubLinks.id));
    },

    /** The digest channel on one platform: a channel id means something there only. */
    async setDigestChannel(platform: Platform, channelId: string | null): Promise<void> {
      await db.update(clubLinks).set({ digestChannelId: channelId }).where(and(eq(clubLinks.clubId, clubId), eq(clubLinks.platform, platform)));
    },
  };
}
