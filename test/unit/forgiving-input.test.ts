import { describe, expect, it } from "vitest";
import { argFields, describeIssues, readTextArgs } from "../../src/core/args.js";
import { allCommands } from "../../src/core/commands/index.js";
import { createRegistry } from "../../src/core/registry.js";
import { tokenize } from "../../src/core/tokenize.js";
import { formatDay, parseUntil, parseWeek } from "../../src/core/dates.js";
import { closest } from "../../src/core/suggest.js";
import { memberRefsIn, renderPlain, withConsoleNames } from "../../src/adapters/console/render.js";

const registry = createRegistry(allCommands);

/** Parses a line the way the core does, without a database: command name and zod's verdict. */
function parse(line: string) {
  const resolution = registry.resolve(tokenize(line));
  if (!resolution.ok) return { command: undefined, ...resolution } as const;
  const { command, rest } = resolution;
  const fields = argFields(command.args);
  const raw = command.parseText ? command.parseText(rest) : readTextArgs(fields, rest);
  const result = command.args.safeParse(raw);
  return result.success
    ? ({ command: command.name, args: result.data, extra: raw.__extra } as const)
    : ({ command: command.name, error: describeIssues(result.error, fields, raw) } as const);
}

/** Wednesday 18 Nov 2026, 10:00 UTC (ISO week 2026-W47). */
const NOW = new Date("2026-11-18T10:00:00Z");
const day = (date: Date | undefined, tz: string) => (date ? formatDay(date, tz) : undefined);

describe("dates as people type them", () => {
  it.each([
    ["14", "Wed, 2 Dec 2026"],
    ["14d", "Wed, 2 Dec 2026"],
    ["2w", "Wed, 2 Dec 2026"],
    ["2 weeks", "Wed, 2 Dec 2026"],
    ["for 2 weeks", "Wed, 2 Dec 2026"],
    ["in 3 weeks", "Wed, 9 Dec 2026"],
    ["2026-12-31", "Thu, 31 Dec 2026"],
    ["Dec 5", "Sat, 5 Dec 2026"],
    ["5 Dec", "Sat, 5 Dec 2026"],
    ["until 5 Dec", "Sat, 5 Dec 2026"],
    ["5 December 2026", "Sat, 5 Dec 2026"],
    ["next friday", "Fri, 27 Nov 2026"],
    ["until next Friday", "Fri, 27 Nov 2026"],
    ["friday", "Fri, 20 Nov 2026"],
    ["tomorrow", "Thu, 19 Nov 2026"],
    ["jan 3", "Sun, 3 Jan 2027"],
  ])("reads %j in the member's timezone", (typed, expected) => {
    const end = parseUntil(typed, NOW, "Europe/Berlin");
    expect(day(end, "Europe/Berlin")).toBe(expected);
    // A pause ends at midnight starting that day, in the member's timezone.
    expect(end!.toLocaleTimeString("en-GB", { timeZone: "Europe/Berlin" })).toBe("00:00:00");
  });

  it("counts from the member's own calendar day, whatever the process's timezone", () => {
    // 14:00 UTC on Wednesday is 03:00 on Thursday in Auckland and 06:00 on Wednesday in Los Angeles.
    const late = new Date("2026-11-18T14:00:00Z");
    expect(day(parseUntil("tomorrow", late, "Pacific/Auckland"), "Pacific/Auckland")).toBe("Fri, 20 Nov 2026");
    expect(day(parseUntil("tomorrow", late, "America/Los_Angeles"), "America/Los_Angeles")).toBe("Thu, 19 Nov 2026");
    expect(day(parseUntil("2 days", late, "Pacific/Auckland"), "Pacific/Auckland")).toBe("Sat, 21 Nov 2026");
  });

  it.each(["blah next friday", "next friday blah", "2026-02-30", "soonish", "0", "", "Dec 5 and Dec 9"])("refuses %j", (typed) => {
    expect(parseUntil(typed, NOW, "UTC")).toBeUndefined();
  });

  it("reads weeks as ISO weeks, or this / last / next", () => {
    expect(parseWeek("2026-W47", NOW, "UTC")).toBe("2026-W47");
    expect(parseWeek("2026-w7", NOW, "UTC")).toBe("2026-W07");
    expect(parseWeek("last", NOW, "UTC")).toBe("2026-W46");
    expect(parseWeek("last-week", NOW, "UTC")).toBe("2026-W46");
    expect(parseWeek("this week", NOW, "UTC")).toBe("2026-W47");
    expect(parseWeek("2026-W53", NOW, "UTC")).toBe("2026-W53"); // 2026 has 53 ISO weeks
    expect(parseWeek("2027-W53", NOW, "UTC")).toBeUndefined();
    expect(parseWeek("2026-W00", NOW, "UTC")).toBeUndefined();
    expect(parseWeek("someday", NOW, "UTC")).toBeUndefined();
  });
});

describe("did you mean", () => {
  it.each([
    ["gaol", ["goal", "target", "network"], "goal"],
    ["targt", ["goal", "target", "network"], "target"],
    ["interview", ["researching", "contacting", "applied", "interviewing", "offer"], "interviewing"],
    ["offerz", ["researching", "contacting", "applied", "interviewing", "offer"], "offer"],
    ["work", ["works", "worked", "knows"], "works"],
    ["dance", ["goal", "target", "network", "who"], undefined],
  ])("%j → %j", (typed, candidates, expected) => {
    expect(closest(typed, candidates)).toBe(expected);
  });

  it("suggests `goal` for `gaol`, as it does `target` for `targt`", () => {
    expect(parse("gaol add Call Ana")).toMatchObject({ reason: "unknown", suggestion: "goal" });
    expect(parse("targt add Acme")).toMatchObject({ reason: "unknown", suggestion: "target" });
  });

  it("suggests the stage meant: `target stage Acme interview`", () => {
    const parsed = parse("target stage Acme interview");
    expect("error" in parsed ? parsed.error : "").toBe("stage must be one of: researching, contacting, applied, interviewing, offer (did you mean interviewing?)");
  });
});

describe("command lines members typed", () => {
  it.each([
    ["snooze 2 weeks", "snooze", { until: "2 weeks" }],
    ["snooze Dec 5", "snooze", { until: "Dec 5" }],
    ["snooze until next friday", "snooze", { until: "until next friday" }],
    ["profile status paused until next friday", "profile", { status: "paused", until: "next friday" }],
    ["profile @bob", "profile", { member: "bob" }],
    ["profile <@U123|bob>", "profile", { member: "U123" }],
    ["thanks @bob @chen referral", "thanks", { member: "bob", member2: "chen", kind: "referral" }],
    ["thanks @bob @chen @dara for the mock interview", "thanks", { member: "bob", member2: "chen", member3: "dara", note: "for the mock interview" }],
    ["who Acme Corp", "who", { company: "Acme Corp" }],
    ["who targets Acme Corp", "who", { show: "targets", company: "Acme Corp" }],
    ['who "Targets"', "who", { company: "Targets" }],
    ["members", "members", {}],
    ["members 2", "members", { page: 2 }],
    ["goal list last", "goal list", { week: "last" }],
    ["goal undo 2 2026-W47", "goal undo", { n: 2, week: "2026-W47" }],
    ["goal remove 3", "goal remove", { n: 3 }],
    ["goal edit 2 Call five people", "goal edit", { n: 2, text: "Call five people" }],
    ["goal edit 2 2026-W47 Call five people", "goal edit", { n: 2, week: "2026-W47", text: "Call five people" }],
    ["goal edit 2 last call with Ana", "goal edit", { n: 2, text: "last call with Ana" }],
    ["config matches on", "config", { setting: "matches", value: "on" }],
    ["config organisers none", "config", { setting: "organisers", value: "none" }],
  ])("reads %j", (line, command, args) => {
    const parsed = parse(line);
    expect(parsed).toMatchObject({ command, args });
    expect("extra" in parsed ? parsed.extra : undefined).toBeUndefined();
  });

  it.each([
    ["profile keep-in-touch -3", "keep-in-touch must be at least 7"],
    ["profile keep-in-touch 3", "keep-in-touch must be at least 7"],
    ["profile keep-in-touch 1.5", "keep-in-touch must be a whole number"],
    ["goal done -1", "goal number must be at least 1"],
    ["who targets", "company is missing"],
  ])("explains %j", (line, message) => {
    const parsed = parse(line);
    expect("error" in parsed ? parsed.error : "").toBe(message);
  });
});

describe("the console's rendering", () => {
  it("names members the way you type them and channels without markup", () => {
    const reply = {
      text: "Digest channel: <#job-club>; Slack's <#C123|job-club>",
      visibility: "private" as const,
      buttons: [{ label: "Ask bob", command: "intro <@#4> ACME, Inc." }, { label: "Ask who?", command: "intro <@#9> Acme" }],
    };
    expect(memberRefsIn(reply)).toEqual([4, 9]);
    expect(renderPlain(withConsoleNames(reply, new Map([[4, "bob"]])))).toBe(
      "Digest channel: #job-club; Slack's #job-club\n[Ask bob: intro @bob ACME, Inc.]  [Ask who?: intro <@#9> Acme]",
    );
  });
});
