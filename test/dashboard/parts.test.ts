import { describe, expect, it } from "vitest";
import { toCsv } from "../../src/dashboard/csv.js";
import { html, escapeHtml } from "../../src/dashboard/html.js";
import { barChart, lineChart, niceTicks, stackedBarChart } from "../../src/dashboard/charts.js";
import { LINK_LIFETIME_MS, readLink, signedBy, signLink } from "../../src/core/services/dashboard-links.js";
import { age, peopleQuery, weeksWanted } from "../../src/dashboard/pages.js";
import { loadConfig } from "../../src/config.js";

describe("CSV", () => {
  it("quotes fields with commas, quotes and line breaks, and doubles quotes", () => {
    const csv = toCsv(["a", "b", "c"], [{ a: "plain", b: 'say "hi", then go', c: "two\nlines" }]);
    expect(csv).toBe('\uFEFFa,b,c\r\nplain,"say ""hi"", then go","two\nlines"\r\n');
  });

  it("defuses text a spreadsheet would run as a formula, but leaves numbers alone", () => {
    const rows = [{ v: "=1+1" }, { v: "+SUM(A1)" }, { v: "-2+3" }, { v: "@cmd" }, { v: "\tx" }, { v: "a=b" }, { v: -5 }, { v: 0 }];
    const lines = toCsv(["v"], rows).split("\r\n").slice(1, -1);
    expect(lines).toEqual(["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", "a=b", "-5", "0"]);
  });

  it("writes times as ISO 8601, nothing for null, true and false as words", () => {
    const csv = toCsv(["t", "n", "b"], [{ t: new Date("2026-11-18T10:00:00Z"), n: null, b: false }]);
    expect(csv.split("\r\n")[1]).toBe("2026-11-18T10:00:00.000Z,,false");
  });
});

describe("HTML templates", () => {
  it("escape every value, so nothing typed becomes markup", () => {
    const name = `<script>alert("x")</script> & 'co'`;
    expect(html`<td title="${name}">${name}</td>`.value).toBe(
      "<td title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;\">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</td>",
    );
    expect(html`<ul>${["<a>", html`<li>ok</li>`]}</ul>`.value).toBe("<ul>&lt;a&gt;<li>ok</li></ul>");
    expect(html`${null}${undefined}${false}${0}`.value).toBe("0");
    expect(escapeHtml("a<b")).toBe("a&lt;b");
  });
});

describe("charts", () => {
  it("grid lines fall on whole, round numbers up to at least the largest value", () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(11)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(240)).toEqual([0, 100, 200, 300]);
    for (const max of [1, 2, 9, 13, 99, 1234]) {
      const ticks = niceTicks(max);
      expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(ticks.every((t) => Number.isInteger(t))).toBe(true);
    }
  });

  it("draw a bar per week and series, tallest at the top, with a title and description", () => {
    const svg = barChart("g", "Goals", ["2026-W46", "2026-W47"], [{ label: "Set", values: [4, 2] }, { label: "Met", values: [1, 0] }], "Goals").value;
    expect(svg).toContain('role="img" aria-labelledby="g-t g-d"');
    expect(svg).toContain('<title id="g-t">Goals</title>');
    expect(svg).toContain("Goals per week from 2026-W46 to 2026-W47. set: 6 in all, 2 in 2026-W47; met: 1 in all, 0 in 2026-W47.");
    const bars = [...svg.matchAll(/<rect class="bar s(\d)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)">/g)].map((m) => ({ series: Number(m[1]), y: Number(m[2]), h: Number(m[3]) }));
    expect(bars).toHaveLength(4);
    const [set46, set47, met46, met47] = bars;
    expect(set46!.h).toBeGreaterThan(set47!.h);
    expect(set47!.h).toBeCloseTo(set46!.h / 2, 0);
    expect(met47!.h).toBe(0);
    expect(met46!.series).toBe(1);
    expect(svg).toContain(">W46</text>");
  });

  it("stack thanks by kind and draw introductions as lines with a dot a week", () => {
    const stacked = stackedBarChart("t", "Thanks", ["w1"], [{ label: "Information", values: [2] }, { label: "Referral", values: [3] }], "Thanks").value;
    const heights = [...stacked.matchAll(/height="([\d.]+)"><title>w1: (\d) /g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(heights.map(([, v]) => v)).toEqual([2, 3]);
    expect(heights[1]![0]! / heights[0]![0]!).toBeCloseTo(1.5, 1);
    const lines = lineChart("i", "Intros", ["a", "b", "c"], [{ label: "Requested", values: [0, 2, 1] }], "Introductions").value;
    expect(lines.match(/<circle class="dot"/g)).toHaveLength(3);
    expect(lines).toMatch(/<polyline class="line" points="[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+"\/>/);
  });
});

describe("sign-in links", () => {
  const key = Buffer.alloc(32, 7);
  const now = new Date("2026-11-18T10:00:00Z");

  it("carry club, member, admin and expiry under a signature that any change breaks", () => {
    const token = signLink(key, { clubId: 3, memberId: 12, viaAdmin: false }, now);
    const link = readLink(token)!;
    expect(link).toMatchObject({ clubId: 3, memberId: 12, viaAdmin: false, expiresAt: new Date(now.getTime() + LINK_LIFETIME_MS) });
    expect(signedBy(key, link)).toBe(true);
    expect(signedBy(Buffer.alloc(32, 8), link)).toBe(false);
    const parts = token.split(".");
    for (const [i, value] of [[1, "4"], [2, "13"], [3, "a"], [4, String(Number(parts[4]) + 3600)]] as const) {
      const forged = readLink(parts.map((p, j) => (j === i ? value : p)).join("."))!;
      expect(signedBy(key, forged), `part ${i}`).toBe(false);
    }
    expect(readLink(`${token}x`)).toBeUndefined();
    expect(readLink("1.3.12.m.1.short.sig")).toBeUndefined();
  });

  it("are each one of a kind", () => {
    const a = readLink(signLink(key, { clubId: 1, memberId: 1, viaAdmin: true }, now))!;
    const b = readLink(signLink(key, { clubId: 1, memberId: 1, viaAdmin: true }, now))!;
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.viaAdmin).toBe(true);
  });
});

describe("page parameters", () => {
  it("weeks are 12 to 52, 12 unless asked", () => {
    const q = (s: string) => new URLSearchParams(s);
    expect([weeksWanted(q("")), weeksWanted(q("weeks=26")), weeksWanted(q("weeks=52")), weeksWanted(q("weeks=53")), weeksWanted(q("weeks=5")), weeksWanted(q("weeks=x"))]).toEqual([12, 26, 52, 12, 12, 12]);
  });

  it("the member list sorts by a known column, numbers largest first unless asked", () => {
    const q = (s: string) => peopleQuery(new URLSearchParams(s));
    expect(q("")).toEqual({ sort: "name", descending: false, page: 1 });
    expect(q("sort=goals-met")).toEqual({ sort: "goals-met", descending: true, page: 1 });
    expect(q("sort=goals-met&dir=asc&page=3")).toEqual({ sort: "goals-met", descending: false, page: 3 });
    expect(q("sort=m.id;drop table members&page=-4")).toEqual({ sort: "name", descending: false, page: 1 });
  });

  it("ages read in the largest unit that fits", () => {
    const now = new Date("2026-11-18T10:00:00Z");
    const ago = (ms: number) => age(new Date(now.getTime() - ms), now);
    expect([ago(20_000), ago(5 * 60_000), ago(3 * 3_600_000), ago(3 * 86_400_000), ago(30 * 86_400_000)]).toEqual(["moments", "5 minutes", "3 hours", "3 days", "4 weeks"]);
  });
});

describe("dashboard settings", () => {
  it("PUBLIC_URL is an http(s) address alone, defaulting to localhost on PORT; DASHBOARD_SECRET is long and scrubbed", () => {
    expect(loadConfig({ PORT: "4000" }).publicUrl).toBe("http://localhost:4000");
    expect(loadConfig({ PUBLIC_URL: "https://warmpath.example.com/" }).publicUrl).toBe("https://warmpath.example.com");
    for (const bad of ["ftp://x.example", "https://x.example/warmpath", "https://x.example/?a=1", "https://u:p@x.example", "not a url"]) {
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL must be/);
    }
    expect(() => loadConfig({ DASHBOARD_SECRET: "short" })).toThrow(/DASHBOARD_SECRET must be at least 32 characters/);
    const secret = "s".repeat(40);
    const config = loadConfig({ DASHBOARD_SECRET: secret });
    expect(config.dashboardSecret).toBe(secret);
    expect(config.secrets).toContain(secret);
  });
});
