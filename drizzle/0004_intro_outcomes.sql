ALTER TABLE "intros" ADD COLUMN "requester_outcome" text;--> statement-breakpoint
ALTER TABLE "intros" ADD COLUMN "helper_outcome" text;--> statement-breakpoint
ALTER TABLE "intros" ADD COLUMN "met_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "intros" ADD COLUMN "hired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "intros" ADD COLUMN "withdrawn_at" timestamp with time zone;--> statement-breakpoint
-- Intros reported before this migration: who reported is unknown, but when they met (or a hire came of it) is.
UPDATE "intros" SET "met_at" = "outcome_at" WHERE "outcome" IN ('met', 'hired') AND "met_at" IS NULL;--> statement-breakpoint
UPDATE "intros" SET "hired_at" = "outcome_at" WHERE "outcome" = 'hired' AND "hired_at" IS NULL;
