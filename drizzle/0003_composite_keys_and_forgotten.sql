-- The composite keys below reference (club_id, id): the unique index they need comes first.
CREATE UNIQUE INDEX "companies_club_id" ON "companies" USING btree ("club_id","id");--> statement-breakpoint
CREATE TABLE "forgotten_accounts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "forgotten_accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"club_id" integer NOT NULL,
	"platform" text NOT NULL,
	"account_hash" text NOT NULL,
	"forgotten_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "platform_users" DROP CONSTRAINT "platform_users_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "goals" DROP CONSTRAINT "goals_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "targets" DROP CONSTRAINT "targets_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "targets" DROP CONSTRAINT "targets_company_id_companies_id_fk";
--> statement-breakpoint
ALTER TABLE "network_ties" DROP CONSTRAINT "network_ties_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "network_ties" DROP CONSTRAINT "network_ties_company_id_companies_id_fk";
--> statement-breakpoint
ALTER TABLE "intros" DROP CONSTRAINT "intros_requester_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "intros" DROP CONSTRAINT "intros_helper_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "intros" DROP CONSTRAINT "intros_company_id_companies_id_fk";
--> statement-breakpoint
ALTER TABLE "activities" DROP CONSTRAINT "activities_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "thanks" DROP CONSTRAINT "thanks_from_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "thanks" DROP CONSTRAINT "thanks_to_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "wins" DROP CONSTRAINT "wins_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "club_organisers" DROP CONSTRAINT "club_organisers_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "match_suggestions" DROP CONSTRAINT "match_suggestions_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "match_suggestions" DROP CONSTRAINT "match_suggestions_helper_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "match_suggestions" DROP CONSTRAINT "match_suggestions_company_id_companies_id_fk";
--> statement-breakpoint
ALTER TABLE "forgotten_accounts" ADD CONSTRAINT "forgotten_accounts_club_id_clubs_id_fk" FOREIGN KEY ("club_id") REFERENCES "public"."clubs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "forgotten_accounts_identity" ON "forgotten_accounts" USING btree ("club_id","platform","account_hash");--> statement-breakpoint
ALTER TABLE "platform_users" ADD CONSTRAINT "platform_users_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_company_fk" FOREIGN KEY ("club_id","company_id") REFERENCES "public"."companies"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_ties" ADD CONSTRAINT "network_ties_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_ties" ADD CONSTRAINT "network_ties_company_fk" FOREIGN KEY ("club_id","company_id") REFERENCES "public"."companies"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intros" ADD CONSTRAINT "intros_requester_fk" FOREIGN KEY ("club_id","requester_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intros" ADD CONSTRAINT "intros_helper_fk" FOREIGN KEY ("club_id","helper_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intros" ADD CONSTRAINT "intros_company_fk" FOREIGN KEY ("club_id","company_id") REFERENCES "public"."companies"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thanks" ADD CONSTRAINT "thanks_from_member_fk" FOREIGN KEY ("club_id","from_member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thanks" ADD CONSTRAINT "thanks_to_member_fk" FOREIGN KEY ("club_id","to_member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wins" ADD CONSTRAINT "wins_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "club_organisers" ADD CONSTRAINT "club_organisers_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "match_suggestions" ADD CONSTRAINT "match_suggestions_member_fk" FOREIGN KEY ("club_id","member_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "match_suggestions" ADD CONSTRAINT "match_suggestions_helper_fk" FOREIGN KEY ("club_id","helper_id") REFERENCES "public"."members"("club_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "match_suggestions" ADD CONSTRAINT "match_suggestions_company_fk" FOREIGN KEY ("club_id","company_id") REFERENCES "public"."companies"("club_id","id") ON DELETE cascade ON UPDATE no action;
