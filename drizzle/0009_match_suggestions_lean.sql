ALTER TABLE "match_suggestions" DROP CONSTRAINT "match_suggestions_member_fk";
--> statement-breakpoint
ALTER TABLE "match_suggestions" DROP CONSTRAINT "match_suggestions_helper_fk";
--> statement-breakpoint
ALTER TABLE "match_suggestions" DROP CONSTRAINT "match_suggestions_company_fk";
--> statement-breakpoint
DROP INDEX "match_suggestions_pair";--> statement-breakpoint
DROP INDEX "match_suggestions_helper_week";