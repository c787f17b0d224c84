import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";
import type { ClubRef } from "../../src/core/types.js";

/**
 * What a six-member club ran into over six weeks (issue 9): `who` about one's own company, goals of
 * past weeks, messages that didn't fit, console names, dates as people type them, and the commands
 * members reached for (`members`, `profile @bob`, `who targets`, goal edit / remove / undo, a
 * readable export). The clock starts on Wednesday 18 Nov 2026, ISO week 2026-W47.
 */
describe.each(backends)("members, goals and forgiving input on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  describe("who", () => {
    it("tells someone who works at the company that they are the path, with no offer to target it", async () => {
      await h.run("eli", "network add Globex works");
      const alone = await h.run("eli", "who globex");
      expect(alone.text).toBe("You work at Globex yourself. Nobody else in the club has a warm path there yet.");
      expect(alone.buttons ?? []).toEqual([]);
      await h.run("bob", "network add Globex knows");
      const withOthers = await h.run("eli", "who Globex");
      expect(withOthers.text).toBe("You work at Globex yourself.\n1 warm path to Globex:\n1. bob knows someone at Globex");
      expect(withOthers.buttons?.map((b) => b.label)).toEqual(["Ask bob"]);
    });

    it("doesn't offer a member to target a company they already target", async () => {
      await h.run("ana", "target add Initech applied");
      const reply = await h.run("ana", "who initech");
      expect(reply.text).toContain("Nobody in the club has a warm path to Initech yet. It's on your targets (applied).");
      expect(reply.buttons ?? []).toEqual([]);
      // Someone who doesn't target it still gets the offer.
      expect((await h.run("cy", "who initech")).buttons).toEqual([{ label: "Target Initech", command: "target add Initech" }]);
    });

    it("who targets <company> lists the others aiming for it, furthest along first", async () => {
      await h.run("cy", "target add initech inc interviewing");
      await h.run("dara", "target add Initech");
      const reply = await h.run("dara", "who targets Initech");
      expect(reply.text.split("\n").slice(0, 3)).toEqual(["2 other members target Initech:", "1. cy: interviewing", "2. ana: applied"]);
      expect(reply.text).toContain("Team up");
      expect(reply.text).toContain("It's on your targets (researching).");
      expect(reply.buttons?.map((b) => b.command)).toEqual(["who Initech"]);
      expect((await h.run("ana", "who targets Nowhere Ltd")).text).toContain("Nobody else in the club targets Nowhere Ltd yet.");
    });
  });

  describe("goals", () => {
    it("a past week's goals are named by their week, never as this week's", async () => {
      h.clock.set("2026-11-18T10:00:00Z");
      await h.run("gus", "goal add Reach out to 3 people");
      await h.run("gus", "goal add Apply to Globex");
      await h.run("gus", "goal done 1");
      h.clock.advance(5 * 7 * 86_400_000);
      await h.run("gus", "goal add Something new this week");
      const done = await h.run("gus", "goal done 2 2026-W47");
      expect(done.text).toBe("✅ Done: Apply to Globex\nThat's every goal for 2026-W47. Brilliant!");
      expect((await h.run("gus", "goal done 5 2026-W47")).text).toContain("You have 2 goals in 2026-W47; there is no goal 5. `goal list 2026-W47` shows them.");
      expect((await h.run("gus", "goal done 1 2026-W40")).text).toContain("You have no goals in 2026-W40.");
      expect((await h.run("gus", "goal list 2026-W47")).text).toContain("2 of 2 goals done.");
      expect((await h.run("gus", "goal done 1")).text).toContain("That's every goal this week.");
    });

    it("goal list [week], edit, remove and undo", async () => {
      h.clock.set("2026-11-18T10:00:00Z");
      await h.run("hal", "goal add Call Ana.");
      await h.run("hal", "goal add Update CV");
      await h.run("hal", "goal add Apply to Initech");
      expect((await h.run("hal", "goal edit 2 Update CV and portfolio")).text).toBe("Goal 2 this week now reads: Update CV and portfolio\n(It was: Update CV)");
      await h.run("hal", "goal done 2");
      const undo = await h.run("hal", "goal undo 2");
      expect(undo.text).toBe("⬜ Goal 2 this week is open again: Update CV and portfolio");
      expect((await h.run("hal", "goal undo 2")).text).toContain("isn't marked done");
      expect((await h.run("hal", "goal remove 1")).text).toBe("Removed goal 1 this week: Call Ana. The goals after it moved up one number.");
      expect((await h.run("hal", "goal list")).text.split("\n").slice(0, 2)).toEqual(["1. ⬜ Update CV and portfolio", "2. ⬜ Apply to Initech"]);
      h.clock.advance(7 * 86_400_000);
      expect((await h.run("hal", "goal list")).text).toContain("No goals for 2026-W48 yet.");
      const last = await h.run("hal", "goal list last");
      expect(last.title).toBe("Goals for 2026-W47");
      expect(last.buttons?.map((b) => b.command)).toEqual(["goal done 1 2026-W47", "goal done 2 2026-W47"]);
      expect((await h.run("hal", "goal edit 1 2026-W47 Update CV, portfolio and LinkedIn")).text).toContain("Goal 1 in 2026-W47 now reads");
      const wrong = await h.run("hal", "goal list someday");
      expect(wrong.tone).toBe("error");
      expect(wrong.text).toContain("Usage: goal list [week]");
    });
  });

  describe("messages that fit", () => {
    it("join is summarised as joining the job club, and ends sentences once", async () => {
      expect((await h.run("ivy", "help join")).text).toContain("Join the job club, optionally with the role you are looking for");
      const joined = await h.run("ivy", "join Staff engineer.");
      expect(joined.text).toContain("You're looking for: Staff engineer.\n");
      expect(joined.text).not.toContain("..");
    });

    it("log answers what was logged: an application is no conversation", async () => {
      const application = await h.run("ivy", "log application Globex");
      expect(application.text).toMatch(/^Logged application: Globex\. /);
      expect(application.text).not.toContain("conversation");
      expect((await h.run("ivy", "log coffee with a PM.")).text).toBe("Logged coffee: with a PM. Every conversation counts.");
      expect((await h.run("ivy", "log interview")).text).toMatch(/^Logged interview\. Well done/);
    });
  });

  describe("console names", () => {
    it("keep the name from first use, whatever casing is typed later", async () => {
      await h.run("Jo", "join Designer");
      await h.run("JO", "goal add Sketch portfolio");
      await h.run("jo", "network add Hooli worked");
      expect((await h.run("ana", "profile @jo")).fields).toContainEqual({ label: "Name", value: "Jo" });
    });

    it("on Slack the platform's current display name still wins", async () => {
      const slack: ClubRef = { platform: "slack", externalId: "T-names", name: "Names" };
      const as = (displayName: string, text: string) => h.invoke({ club: slack, actor: { platformUserId: "U1", displayName }, via: "text", text });
      await as("Kim", "join");
      expect((await as("Kim Lee", "profile")).fields).toContainEqual({ label: "Name", value: "Kim Lee" });
    });
  });

  describe("dates as people type them", () => {
    it("snooze and profile until read days, weeks and dates in the member's timezone", async () => {
      h.clock.set("2026-11-18T10:00:00Z");
      expect((await h.run("kai", "snooze 2 weeks")).text).toContain("Snoozed until Wed, 2 Dec 2026");
      expect((await h.run("kai", "snooze Dec 5")).text).toContain("Snoozed until Sat, 5 Dec 2026");
      expect((await h.run("kai", "snooze until 5 Dec")).text).toContain("Snoozed until Sat, 5 Dec 2026");
      expect((await h.run("kai", "snooze 14")).text).toContain("Snoozed until Wed, 2 Dec 2026");
      expect((await h.run("kai", "snooze 2w")).text).toContain("Snoozed until Wed, 2 Dec 2026");
      expect((await h.run("kai", "snooze 2026-12-31")).text).toContain("Snoozed until Thu, 31 Dec 2026");
      expect((await h.run("kai", "profile status paused until next friday")).text).toContain("Status: paused until Fri, 27 Nov 2026");
      // 14:00 UTC on Wednesday is already Thursday in Auckland: tomorrow is Friday there.
      await h.run("kai", "profile timezone Pacific/Auckland");
      h.clock.set("2026-11-18T14:00:00Z");
      expect((await h.run("kai", "snooze tomorrow")).text).toContain("Snoozed until Fri, 20 Nov 2026");
    });

    it("explains dates it can't use, with the usage", async () => {
      const unreadable = await h.run("kai", "snooze whenever I feel like it");
      expect(unreadable.tone).toBe("error");
      expect(unreadable.text).toContain("I can't read “whenever I feel like it” as a date.");
      expect(unreadable.text).toContain("Usage: snooze <days|date>");
      expect((await h.run("kai", "snooze yesterday")).text).toContain("is not in the future");
      expect((await h.run("kai", "profile status paused until 2030-01-01")).text).toContain("a year at most");
    });
  });

  describe("forgiving input", () => {
    it("keep-in-touch below its minimum says so", async () => {
      const reply = await h.run("kai", "profile keep-in-touch -3");
      expect(reply.tone).toBe("error");
      expect(reply.text).toContain("keep-in-touch must be at least 7");
      expect(reply.text).toContain("Usage: profile");
    });

    it("gaol gets a did-you-mean, and so does a stage", async () => {
      expect((await h.run("kai", "gaol add Call Ana")).text).toContain("Did you mean `goal`?");
      expect((await h.run("kai", "help gaol")).text).toContain("Did you mean `help goal`?");
      expect((await h.run("ana", "target stage Initech interview")).text).toContain("(did you mean interviewing?)");
    });

    it("config matches on after off, and the organiser list can be cleared", async () => {
      expect((await h.admin("boss", "config matches off")).text).toContain("Match suggestions: off");
      expect((await h.admin("boss", "config matches on")).text).toContain("Match suggestions: Tuesdays at 10:00");
      expect((await h.admin("boss", "config digest wed 09:00")).text).toContain("Weekly digest: Wednesdays at 09:00");
      // `on` for a job that runs keeps its schedule.
      expect((await h.admin("boss", "config digest on")).text).toContain("Weekly digest: Wednesdays at 09:00");
      await h.admin("boss", "config organisers @ana");
      expect((await h.run("ana", "config nudges off")).tone).toBe("success");
      expect((await h.admin("boss", "config organisers none")).text).toContain("Organisers: workspace admins only");
      expect((await h.run("ana", "config nudges on")).text).toContain("Only the club's organisers");
      expect((await h.admin("boss", "config organisers ana")).text).toContain("config organisers none");
    });

    it("thanks @bob @cy referral thanks both; a fourth mention is refused", async () => {
      h.port.deliveries.length = 0;
      const reply = await h.run("ana", "thanks @bob @cy referral");
      expect(reply.text).toBe("Thanks sent to bob and cy. Generosity is how a job club works.");
      expect(h.port.deliveries.map((d) => (d.kind === "direct" ? [d.userId, d.reply.text] : []))).toEqual([
        ["bob", "💛 ana thanked you for the referral."],
        ["cy", "💛 ana thanked you for the referral."],
      ]);
      const four = await h.run("ana", "thanks @bob @cy @dara @eli for the mock interviews");
      expect(four.tone).toBe("error");
      expect(four.text).toContain("up to 3 members");
      expect((await h.run("ana", "thanks @bob @ana")).tone).toBe("error");
      expect((await h.run("ana", "help thanks")).text).toContain("thanks @member [@member2] [@member3]");
    });
  });

  describe("the directory and profiles", () => {
    it("members lists name, headline, status, targets and warm paths, ten a page", async () => {
      await h.run("ana", "profile headline Product manager");
      for (let i = 1; i <= 12; i++) await h.run(`zz${String(i).padStart(2, "0")}`, "join");
      const first = await h.run("ana", "members");
      const total = first.text.match(/^(\d+) members · page 1 of (\d+)/);
      expect(total, first.text).not.toBeNull();
      expect(first.text).toContain("ana (you): Product manager · searching\ntargets: Initech (applied)\n\nbob: searching\nwarm paths: Globex (knows)\n\n");
      expect(first.text).toContain("eli: searching\nwarm paths: Globex (works)");
      expect(first.fields).toHaveLength(10);
      expect(first.text).toMatch(/\+\d+ more: `members 2` shows the next page\./);
      expect(first.text).not.toContain("Timezone");
      expect(first.buttons).toEqual([{ label: "Next page", command: "members 2" }]);
      const pages = Number(total![2]);
      const last = await h.run("ana", `members ${pages}`);
      expect(last.text).toContain("zz12");
      expect(last.buttons).toEqual([{ label: "Previous page", command: `members ${pages - 1}` }]);
      expect((await h.run("ana", `members ${pages + 1}`)).tone).toBe("error");
      // The directory is for members: anyone else is asked to join, and nobody is created.
      expect((await h.run("stranger", "members")).text).toContain("haven't joined");
    });

    it("profile @bob shows what the club sees of bob, and only your own profile has your settings", async () => {
      await h.run("bob", "profile headline Engineering manager timezone Europe/Berlin");
      const bob = await h.run("ana", "profile @bob");
      expect(bob.fields).toEqual([
        { label: "Name", value: "bob" },
        { label: "Headline", value: "Engineering manager" },
        { label: "Status", value: "searching" },
        { label: "Targets", value: "none yet" },
        { label: "Warm paths", value: "Globex (knows)" },
      ]);
      expect(bob.text).not.toMatch(/Timezone|Nudges|Keep in touch|Match suggestions/);
      expect(bob.buttons?.[0]).toMatchObject({ label: "Ask bob about Globex", command: expect.stringMatching(/^intro <@#\d+> Globex$/) });
      expect((await h.run("bob", "profile")).text).toContain("Timezone: Europe/Berlin");
      const mixed = await h.run("ana", "profile @bob headline Spy");
      expect(mixed.tone).toBe("error");
      expect(mixed.text).toContain("To change yours, leave out the @name.");
      expect((await h.run("ana", "profile @nobody")).text).toContain("don't know that member");
    });
  });

  it("export puts the names of members and companies beside their ids", async () => {
    const reply = await h.run("ana", "export");
    const data = JSON.parse(reply.attachment!.content) as Record<string, Array<Record<string, unknown>>>;
    expect(data.targets).toContainEqual(expect.objectContaining({ company: "Initech", stage: "applied", companyId: expect.any(Number) }));
    expect(data.thanks).toContainEqual(expect.objectContaining({ from: "ana", to: "bob", kind: "referral" }));
    expect(data.goals!.every((g) => g.member === "ana")).toBe(true);
    expect(data.platform_users).toEqual([expect.objectContaining({ member: "ana", platformUserId: "ana" })]);
  });
});
