import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { clubMemberKey, memberColumn } from "./members.js";
import { createdAt, id, tstz } from "./_helpers.js";

/** What a link code joins: two clubs (`config link`) or one person's accounts (`profile link`). */
export const linkCodeKinds = ["club", "member"] as const;
export type LinkCodeKind = (typeof linkCodeKinds)[number];

/**
 * One-time codes that link a club (or a member's accounts) across platforms: made on one platform,
 * typed on the other within minutes, used once. Only a SHA-256 of the code is kept, so the table
 * alone links nothing. The code is found by its hash from any club: that lookup is the one way in
 * from another club, and the code names the club it was made in.
 */
export const linkCodes = pgTable(
  "link_codes",
  {
    id: id(),
    clubId: clubColumn(),
    kind: text("kind", { enum: linkCodeKinds }).notNull(),
    /** Who made it: the organiser (club codes) or the member whose accounts it links. */
    memberId: memberColumn("member_id"),
    /** Where it was made: it must be typed on another platform. */
    platform: text("platform", { enum: ["slack", "discord", "console"] }).notNull(),
    codeHash: text("code_hash").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("link_codes_hash").on(t.codeHash),
    index("link_codes_member").on(t.clubId, t.memberId),
    clubMemberKey("link_codes_member_fk", t.clubId, t.memberId),
  ],
);
