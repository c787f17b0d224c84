DROP INDEX "members_club";--> statement-breakpoint
DROP INDEX "match_suggestions_club_created";--> statement-breakpoint
ALTER TABLE "match_suggestions" DROP CONSTRAINT "match_suggestions_pkey";--> statement-breakpoint
ALTER TABLE "match_suggestions" ADD CONSTRAINT "match_suggestions_pkey" PRIMARY KEY("club_id","created_at","id");
