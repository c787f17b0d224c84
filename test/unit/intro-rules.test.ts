import { describe, expect, it } from "vitest";
import { ago, furthestOutcome, laterReport, similarCompanies } from "../../src/core/services/intros.js";
import { normalizeCompanyName } from "../../src/core/company-name.js";

const DAY = 86_400_000;
const known = ["Monzo", "Globex", "Acme Corp", "Offer Labs", "AB"].map((name) => ({ name, normalizedName: normalizeCompanyName(name) }));
const names = (typed: string) => similarCompanies(typed, known).map((c) => c.name);

describe("intro outcomes only move forward", () => {
  it.each([
    [null, "not-yet", "not-yet"],
    ["met", "not-yet", "met"],
    ["hired", "met", "hired"],
    ["met", "hired", "hired"],
    ["no-show", "met", "met"],
    ["met", "no-show", "met"],
    ["not-yet", "no-show", "no-show"],
  ] as const)("the intro's outcome %s, then a report of %s: %s", (current, report, expected) => {
    expect(furthestOutcome(current, report)).toBe(expected);
  });

  it.each([
    [null, "met", "met"],
    ["met", "not-yet", "met"],
    ["hired", "met", "hired"],
    // One member correcting their own report at the same rank.
    ["no-show", "met", "met"],
    ["met", "no-show", "no-show"],
  ] as const)("a member's report %s, then %s: %s", (previous, next, expected) => {
    expect(laterReport(previous, next)).toBe(expected);
  });
});

describe("companies a name probably meant", () => {
  it.each([
    ["Monzo Bank", ["Monzo"]],
    ["monzo bank ltd", ["Monzo"]],
    ["Globx", ["Globex"]],
    // A suggestion, never a decision: the "it's new" button is always offered beside it.
    ["Acme Labs", ["Acme Corp"]],
    ["Hooli", []],
    ["Initech", []],
    ["AC", []],
  ])("%s → %j", (typed, expected) => {
    expect(names(typed)).toEqual(expected);
  });
});

describe("ago", () => {
  const now = new Date("2026-12-07T10:00:00Z");
  it.each([
    [0, "today"],
    [1, "yesterday"],
    [3, "3 days ago"],
    [7, "a week ago"],
    [10, "10 days ago"],
    [35, "5 weeks ago"],
    [95, "3 months ago"],
    [400, "over a year ago"],
  ])("%d days → %s", (days, expected) => {
    expect(ago(new Date(now.getTime() - days * DAY), now)).toBe(expected);
  });
});
