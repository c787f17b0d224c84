import { describe, expect, it } from "vitest";
import { argFields, describeIssues, readTextArgs } from "../../src/core/args.js";
import { allCommands } from "../../src/core/commands/index.js";
import { parseMention } from "../../src/core/mentions.js";
import { createRegistry } from "../../src/core/registry.js";
import { tokenize } from "../../src/core/tokenize.js";

const registry = createRegistry(allCommands);

/** Parses a line the way the core does, without a database: command name and zod's verdict. */
function parse(line: string) {
  const resolution = registry.resolve(tokenize(line));
  if (!resolution.ok) return { command: undefined, reason: resolution.reason } as const;
  const { command, rest } = resolution;
  const fields = argFields(command.args);
  const raw = command.parseText ? command.parseText(rest) : readTextArgs(fields, rest);
  const result = command.args.safeParse(raw);
  return result.success
    ? ({ command: command.name, args: result.data, extra: raw.__extra } as const)
    : ({ command: command.name, error: describeIssues(result.error, fields, raw) } as const);
}

describe("tokenize", () => {
  it.each([
    ["goal add  Ship it", ["goal", "add", "Ship", "it"]],
    ['target add "Offer Labs" applied', ["target", "add", "Offer Labs", "applied"]],
    ["target add “Acme Corp” offer", ["target", "add", "Acme Corp", "offer"]],
    ['note "unclosed quote', ["note", "unclosed quote"]],
    ["   ", []],
  ])("splits %j", (line, expected) => {
    expect(tokenize(line).map((t) => t.value)).toEqual(expected);
  });
});

describe("mentions", () => {
  it.each([
    ["<@U123ABC|bob>", "U123ABC"],
    ["<@U123ABC>", "U123ABC"],
    ["<@123456789012345678>", "123456789012345678"],
    ["<@!123456789012345678>", "123456789012345678"],
    ["@Bob", "bob"],
    ["bob", undefined],
    ["<#C123|general>", undefined],
    ["@", undefined],
  ])("reads %s", (token, expected) => {
    expect(parseMention(token)).toBe(expected);
  });
});

describe("command lines", () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ["help", "help", {}],
    ["help intro", "help", { command: "intro" }],
    ["join Senior data engineer", "join", { headline: "Senior data engineer" }],
    ["goal add Reach out to 3 people", "goal add", { text: "Reach out to 3 people" }],
    ["goal", "goal list", {}],
    ["goal done 2", "goal done", { n: 2 }],
    ["target add ACME, Inc.", "target add", { company: "ACME, Inc." }],
    ["target add Acme Corp interviewing", "target add", { company: "Acme Corp", stage: "interviewing" }],
    ["target add Acme Corp OFFER", "target add", { company: "Acme Corp", stage: "offer" }],
    ["target add Offer", "target add", { company: "Offer" }],
    ['target add "Offer Labs"', "target add", { company: "Offer Labs" }],
    ["target stage Big Co applied", "target stage", { company: "Big Co", stage: "applied" }],
    ["target remove Globex", "target remove", { company: "Globex" }],
    ["network add Initech worked", "network add", { company: "Initech", relation: "worked" }],
    ["network add Deutsche Bank knows", "network add", { company: "Deutsche Bank", relation: "knows" }],
    ["who Acme Corp", "who", { company: "Acme Corp" }],
    ["intro <@U1|bob> Acme Corp: intro to data team?", "intro request", { helper: "U1", company: "Acme Corp", ask: "intro to data team?" }],
    ["intro <@123> referral Globex", "intro request", { helper: "123", kind: "referral", company: "Globex" }],
    ["intro @bob Acme", "intro request", { helper: "bob", company: "Acme" }],
    ["intro bob Acme", "intro request", { helper: { typed: "bob" }, company: "Acme" }],
    ["intro @bob Monzo Bank: a word? confirm", "intro request", { helper: "bob", company: "Monzo Bank", ask: "a word?", confirm: "confirm" }],
    ["intro list open", "intro list", { which: "open" }],
    ["intro withdraw #4", "intro withdraw", { id: 4 }],
    ['intro @bob "Acme: The Company" please help', "intro request", { helper: "bob", company: "Acme: The Company", ask: "please help" }],
    ["intro accept 12", "intro accept", { id: 12 }],
    ["intro accept #12", "intro accept", { id: 12 }],
    ["intro decline 3 busy this month", "intro decline", { id: 3, reason: "busy this month" }],
    ["intro outcome 3 no-show", "intro outcome", { id: 3, outcome: "no-show" }],
    ["log coffee with Ana", "log", { kind: "coffee", note: "with Ana" }],
    ["log application", "log", { kind: "application" }],
    ["win Got the offer!", "win", { text: "Got the offer!" }],
    ["thanks <@U2> referral for the word", "thanks", { member: "U2", kind: "referral", note: "for the word" }],
    ["thanks @ana you're great", "thanks", { member: "ana", note: "you're great" }],
    ["snooze 14", "snooze", { until: "14" }],
    ["resume", "resume", {}],
    ["profile headline Staff engineer status searching", "profile", { headline: "Staff engineer", status: "searching" }],
    ["profile status paused until 2026-12-31", "profile", { status: "paused", until: "2026-12-31" }],
    ["export", "export", {}],
    ["forget-me confirm", "forget-me", { confirm: "confirm" }],
  ];
  it.each(cases)("reads %j", (line, command, args) => {
    const parsed = parse(line);
    expect(parsed).toMatchObject({ command, args });
    expect("extra" in parsed ? parsed.extra : undefined).toBeUndefined();
  });

  const errors: Array<[string, RegExp]> = [
    ["goal add", /goal is missing/],
    ["goal done two", /goal number must be a whole number/],
    ["goal done 0", /goal number must be at least 1/],
    ["target stage Acme nowhere", /stage must be one of: researching, contacting, applied, interviewing, offer/],
    ["network add Acme", /relation is missing/],
    [`target add ${"x".repeat(101)}`, /company is too long \(at most 100 characters\)/],
    [`win ${"y".repeat(501)}`, /win is too long \(at most 500 characters\)/],
    // A bare name gets through ("did you mean @bob?" comes from the club's members); a non-name doesn't.
    ["intro b*b Acme", /member must be a member mention/],
    ["intro accept", /intro id is missing/],
    ["log dinner", /activity must be one of/],
    ["target add !!!", /company needs letters or digits/],
    ["thanks", /member is missing/],
    ["profile status retired", /status must be one of: searching, employed, paused/],
  ];
  it.each(errors)("rejects %j", (line, message) => {
    const parsed = parse(line);
    expect("error" in parsed ? parsed.error : "").toMatch(message);
  });

  it.each([
    ["dance", "unknown"],
    ["", "empty"],
    ["goal fly", "unknown-sub"],
  ])("does not resolve %j", (line, reason) => {
    expect(parse(line)).toMatchObject({ command: undefined, reason });
  });

  it("flags words a command does not take", () => {
    expect(parse("resume now please")).toMatchObject({ command: "resume", extra: "now please" });
  });
});

describe("declarations", () => {
  it("give every command a usage, a summary of at most 100 characters and readable arguments", () => {
    for (const command of allCommands) {
      expect(command.summary.length, command.name).toBeLessThanOrEqual(100);
      expect(command.usage.startsWith(command.name.split(" ")[0]!), command.name).toBe(true);
      for (const field of argFields(command.args)) expect(field.description.length, `${command.name} ${field.name}`).toBeLessThanOrEqual(100);
    }
  });

  it("have unique names", () => {
    const names = allCommands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
