-- Every change to what a command reads first (the club, its links, members, their accounts and
-- goals) tells listening Warmpath processes which clubs changed, once per statement, at commit:
-- their read caches drop those clubs' entries. A statement touching very many clubs says '*'.
CREATE OR REPLACE FUNCTION "warmpath_notify_club_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT club_id) INTO changed FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT club_id) INTO changed FROM old_rows;
  ELSE
    SELECT array_agg(c) INTO changed FROM (SELECT club_id AS c FROM old_rows UNION SELECT club_id FROM new_rows) AS both_sides;
  END IF;
  IF changed IS NOT NULL THEN
    PERFORM pg_notify('warmpath_club_changes', CASE WHEN cardinality(changed) > 200 THEN '*' ELSE array_to_string(changed, ',') END);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "warmpath_notify_clubs_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT id) INTO changed FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT id) INTO changed FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT id) INTO changed FROM new_rows;
  END IF;
  IF changed IS NOT NULL THEN
    PERFORM pg_notify('warmpath_club_changes', CASE WHEN cardinality(changed) > 200 THEN '*' ELSE array_to_string(changed, ',') END);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "clubs_changed_insert" AFTER INSERT ON "clubs" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_clubs_changed"();
--> statement-breakpoint
CREATE TRIGGER "clubs_changed_update" AFTER UPDATE ON "clubs" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_clubs_changed"();
--> statement-breakpoint
CREATE TRIGGER "clubs_changed_delete" AFTER DELETE ON "clubs" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_clubs_changed"();
--> statement-breakpoint
CREATE TRIGGER "club_links_changed_insert" AFTER INSERT ON "club_links" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "club_links_changed_update" AFTER UPDATE ON "club_links" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "club_links_changed_delete" AFTER DELETE ON "club_links" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "members_changed_insert" AFTER INSERT ON "members" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "members_changed_update" AFTER UPDATE ON "members" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "members_changed_delete" AFTER DELETE ON "members" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "platform_users_changed_insert" AFTER INSERT ON "platform_users" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "platform_users_changed_update" AFTER UPDATE ON "platform_users" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "platform_users_changed_delete" AFTER DELETE ON "platform_users" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "goals_changed_insert" AFTER INSERT ON "goals" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "goals_changed_update" AFTER UPDATE ON "goals" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
--> statement-breakpoint
CREATE TRIGGER "goals_changed_delete" AFTER DELETE ON "goals" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "warmpath_notify_club_changes"();
