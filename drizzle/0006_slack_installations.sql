CREATE TABLE "slack_installations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "slack_installations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"install_key" text NOT NULL,
	"is_enterprise_install" boolean DEFAULT false NOT NULL,
	"enterprise_id" text,
	"enterprise_name" text,
	"enterprise_url" text,
	"team_id" text,
	"team_name" text,
	"app_id" text,
	"installer_user_id" text NOT NULL,
	"bot_id" text NOT NULL,
	"bot_user_id" text NOT NULL,
	"bot_scopes" text[] DEFAULT '{}' NOT NULL,
	"bot_token" text,
	"bot_refresh_token" text,
	"bot_token_expires_at" timestamp with time zone,
	"user_token" text,
	"user_refresh_token" text,
	"user_token_expires_at" timestamp with time zone,
	"user_scopes" text[],
	"org_team_ids" text[] DEFAULT '{}' NOT NULL,
	"installed_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"uninstalled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "slack_installations_key" ON "slack_installations" USING btree ("install_key");--> statement-breakpoint
CREATE INDEX "slack_installations_org_teams" ON "slack_installations" USING gin ("org_team_ids");