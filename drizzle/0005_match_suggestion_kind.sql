ALTER TABLE "match_suggestions" ADD COLUMN "kind" text DEFAULT 'path' NOT NULL;--> statement-breakpoint
-- Team-ups were told apart by a tag on the week ("2026-W47 team-up"): move it into the column.
UPDATE "match_suggestions" SET "kind" = 'team-up', "iso_week" = replace("iso_week", ' team-up', '') WHERE "iso_week" LIKE '% team-up';
