CREATE TABLE "link_codes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "link_codes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"club_id" integer NOT NULL,
	"kind" text NOT NULL,
	"member_id" integer NOT NULL,
	"platform" text NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "club_links" ADD COLUMN "digest_channel_id" text;--> statement-breakpoint
ALTER TABLE "link_codes" ADD CONSTRAINT "link_codes_club_id_clubs_id_fk" FOREIGN KEY ("club_id") REFERENCES "public"."clubs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_codes" ADD CONSTRAINT "link_codes_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "link_codes_hash" ON "link_codes" USING btree ("code_hash");--> statement-breakpoint
CREATE INDEX "link_codes_member" ON "link_codes" USING btree ("club_id","member_id");--> statement-breakpoint
-- The digest channel moves to the club's link: a channel id means something on one platform only.
UPDATE "club_links" SET "digest_channel_id" = "clubs"."digest_channel_id" FROM "clubs" WHERE "clubs"."id" = "club_links"."club_id";--> statement-breakpoint
ALTER TABLE "clubs" DROP COLUMN "digest_channel_id";--> statement-breakpoint
-- Linking two clubs moves their rows from one club id to the other: the composite keys (club_id,
-- member_id) and (club_id, company_id) are checked at commit there (SET CONSTRAINTS ALL DEFERRED),
-- since a member's rows and the member can't change club in one statement. Everywhere else they
-- stay checked at once (INITIALLY IMMEDIATE). drizzle-kit doesn't model DEFERRABLE, hence this block.
DO $$
DECLARE fk record;
BEGIN
  FOR fk IN
    SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
    WHERE contype = 'f' AND confrelid IN ('members'::regclass, 'companies'::regclass) AND cardinality(conkey) = 2
  LOOP
    EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE', fk.tbl, fk.conname);
  END LOOP;
END $$;