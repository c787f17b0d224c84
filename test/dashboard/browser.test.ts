import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { backends } from "../support/databases.js";
import { CLUB_A, CLUB_B } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";
import { startWorld, type DashboardWorld } from "./world.js";

/**
 * The few DOM shapes the in-page functions below use: they run in Chromium, while this file is
 * compiled without the DOM library (the project is Node-only), so they are declared for this module alone.
 */
interface PageNode {
  textContent: string | null;
  firstChild: PageNode | null;
  getBoundingClientRect(): { width: number };
  getBBox(): { height: number };
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode> & ArrayLike<PageNode>;
}
declare const document: { cookie: string; documentElement: { scrollWidth: number }; querySelectorAll(selector: string): Iterable<PageNode> & ArrayLike<PageNode> };
declare function getComputedStyle(node: PageNode): { fill: string; stroke: string };

/** Debian's chromium (.ci/run installs it); CHROMIUM_PATH names another. */
const CHROMIUM = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => !!p && fs.existsSync(p));
if (!CHROMIUM) console.warn("Skipping the dashboard's browser test: no chromium binary (apt-get install chromium, or set CHROMIUM_PATH).");

/** Screenshots of every page, for people to look at: test-results/ is not committed. */
const SHOTS = path.resolve("test-results/dashboard");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

// Postgres when the tests have it (as production), else PGlite.
const backend = backends.at(-1)!;

describe.skipIf(!CHROMIUM)(`the dashboard in headless Chromium (${backend.name})`, () => {
  let database: Database;
  let world: DashboardWorld;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  let clubA: number;
  const cspViolations: string[] = [];

  /** A new browser with no cookies, at a width. */
  const fresh = (viewport = DESKTOP) => browser.newContext({ viewport, acceptDownloads: true });

  beforeAll(async () => {
    database = await backend.open();
    world = await startWorld(database);
    clubA = await world.clubId(CLUB_A);
    browser = await chromium.launch({ executablePath: CHROMIUM!, headless: true });
    desktop = await fresh();
    page = await desktop.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
    await database?.close();
  });

  it("signs in through a one-time link and lands on the weeks, with the token gone from the address bar", async () => {
    const link = await world.link("ana");
    await page.goto(link);
    await page.waitForURL(`${world.base}/dashboard/${clubA}/weeks`);
    expect(page.url()).not.toContain("token");
    await expect(page.locator("h1").textContent()).resolves.toBe("The club's weeks");
    await expect(page.locator(".brand small").textContent()).resolves.toContain("signed in as ana");
    // The session cookie is HttpOnly: the page's scripts can't read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain("warmpath_session");
    const cookie = (await desktop.cookies()).find((c) => c.name === "warmpath_session")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: `/dashboard/${clubA}` });
  });

  it("draws the charts: five SVGs with visible bars and lines, styled by the stylesheet", async () => {
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll("svg.chart")].map((svg) => ({
        width: svg.getBoundingClientRect().width,
        bars: [...svg.querySelectorAll("rect.bar")].filter((r) => r.getBBox().height > 0).length,
        dots: svg.querySelectorAll("circle.dot").length,
        lines: [...svg.querySelectorAll("polyline.line")].map((l) => getComputedStyle(l).stroke),
        fill: (() => {
          const bar = svg.querySelector("rect.bar");
          return bar ? getComputedStyle(bar).fill : undefined;
        })(),
      })),
    );
    expect(charts).toHaveLength(5);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.bars + chart.dots).toBeGreaterThan(0);
    }
    // Bars are coloured from the palette in the stylesheet (so the CSP allowed it), not the default black.
    expect(charts[0]!.fill).toBe("rgb(0, 114, 178)");
    expect(charts[2]!.lines).toHaveLength(4);
    expect(charts[2]!.lines[0]).toBe("rgb(0, 114, 178)");
    expect(await page.locator(".tiles li").count()).toBe(9);
    // The numbers behind a chart open as a table.
    await page.locator("summary", { hasText: "Goals set and met as a table" }).click();
    await expect(page.locator("figure[aria-labelledby='goals-c'] table tbody tr").count()).resolves.toBe(12);
    await page.getByRole("link", { name: "52 weeks" }).click();
    await page.waitForURL(/weeks=52$/);
    expect(await page.locator("figure[aria-labelledby='active-c'] rect.bar").count()).toBe(52);
  });

  it("takes a screenshot of every page at desktop and phone widths", async () => {
    const phone = await fresh(PHONE);
    await phone.addCookies(await desktop.cookies());
    const phonePage = await phone.newPage();
    for (const name of ["weeks", "funnel", "people", "intros", "download"]) {
      for (const [width, p] of [["desktop", page], ["phone", phonePage]] as const) {
        const response = await p.goto(`${world.base}/dashboard/${clubA}/${name}`);
        expect(response!.status(), `${name} at ${width}`).toBe(200);
        const file = path.join(SHOTS, `${name}-${width}.png`);
        await p.screenshot({ path: file, fullPage: true });
        expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      }
      // Nothing is wider than a phone's screen: wide tables scroll inside their own box.
      expect(await phonePage.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(PHONE.width);
    }
    await phone.close();
    expect(cspViolations).toEqual([]);
  });

  it("sorts the member list by clicking the column headers", async () => {
    await page.goto(`${world.base}/dashboard/${clubA}/people`);
    const names = () => page.locator("tbody th[scope=row]").evaluateAll((cells: PageNode[]) => cells.map((c) => c.firstChild?.textContent ?? ""));
    const byName = await names();
    expect(byName).toEqual([...byName].sort());
    await page.getByRole("link", { name: /^Goals met/ }).click();
    await page.waitForURL(/sort=goals-met&dir=desc/);
    const goals = await page.locator("tbody tr").evaluateAll((rows: PageNode[]) => rows.map((r) => Number(r.querySelectorAll("td.num")[0]!.textContent)));
    expect(goals).toEqual([...goals].sort((a, b) => b - a));
    expect(await page.locator("th[aria-sort=descending]").textContent()).toContain("Goals met");
    await page.getByRole("link", { name: /^Name/ }).click();
    await page.waitForURL(/sort=name&dir=asc/);
    await page.getByRole("link", { name: /^Name/ }).click();
    await page.waitForURL(/sort=name&dir=desc/);
    expect(await names()).toEqual([...byName].reverse());
  });

  it("pauses a member from the page with a real form post (CSRF token and all)", async () => {
    await page.goto(`${world.base}/dashboard/${clubA}/people`);
    await page.locator("summary", { hasText: "Manage chen" }).click();
    await page.getByLabel("Pause until").and(page.locator("#" + (await page.locator("tr", { hasText: "chen" }).locator("input[type=date]").getAttribute("id"))!)).fill("2026-12-24");
    await page.getByRole("button", { name: "Pause chen" }).click();
    await expect(page.locator("[role=status]").textContent()).resolves.toBe("Paused chen until 2026-12-24.");
    await expect(page.locator("tr", { hasText: "chen" }).locator("td").nth(1).textContent()).resolves.toContain("paused until");
    await page.locator("summary", { hasText: "Manage chen" }).click();
    await page.getByRole("button", { name: "Resume chen" }).click();
    await expect(page.locator("[role=status]").textContent()).resolves.toBe("chen is no longer paused.");
  });

  it("downloads a table as CSV", async () => {
    await page.goto(`${world.base}/dashboard/${clubA}/download`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "members.csv" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^warmpath-club-a-members-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = path.join(SHOTS, "members.csv");
    await download.saveAs(file);
    const text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe("id,name,headline,status,paused_until,joined_at,last_active_at,organiser");
    expect(lines.find((l) => l.includes(",ana,"))).toMatch(/^\d+,ana,Senior data engineer,searching,,20\d\d-.*,true$/);
    expect(lines.some((l) => l.includes("zed"))).toBe(false);
  });

  it("is refused with a reused link, an expired link, another club's cookie, or no cookie", async () => {
    const shot = async (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `refused-${name}.png`) });
    // Reused: a link that signed in once.
    const context = await fresh();
    const p = await context.newPage();
    const link = await world.link("ana");
    await p.goto(link);
    await p.waitForURL(/\/weeks$/);
    const again = await (await fresh()).newPage();
    const reused = await again.goto(link);
    expect(reused!.status()).toBe(410);
    await expect(again.locator("h1").textContent()).resolves.toBe("This sign-in link was used already");
    await shot(again, "reused");

    // Expired: a link older than 15 minutes.
    const old = await world.link("ana");
    world.h.clock.advance(16 * 60_000);
    try {
      const expiredPage = await (await fresh()).newPage();
      const expired = await expiredPage.goto(old);
      expect(expired!.status()).toBe(410);
      await expect(expiredPage.locator("h1").textContent()).resolves.toBe("This sign-in link has expired");
      await shot(expiredPage, "expired");
    } finally {
      world.h.clock.advance(-16 * 60_000);
    }

    // Another club's cookie: zed signs in to club B, then tries club A, with his cookie as the browser
    // keeps it and with it copied onto club A's path.
    const zed = await fresh();
    const zedPage = await zed.newPage();
    await zedPage.goto(await world.link("zed", { club: CLUB_B }));
    await zedPage.waitForURL(/\/weeks$/);
    const clubB = await world.clubId(CLUB_B);
    expect(zedPage.url()).toBe(`${world.base}/dashboard/${clubB}/weeks`);
    const crossing = await zedPage.goto(`${world.base}/dashboard/${clubA}/people`);
    expect(crossing!.status()).toBe(401);
    const zedCookie = (await zed.cookies()).find((c) => c.name === "warmpath_session")!;
    await zed.addCookies([{ ...zedCookie, path: `/dashboard/${clubA}` }]);
    const copied = await zedPage.goto(`${world.base}/dashboard/${clubA}/people`);
    expect(copied!.status()).toBe(401);
    await expect(zedPage.locator("h1").textContent()).resolves.toBe("Please sign in");
    expect(await zedPage.content()).not.toContain("bob");
    await shot(zedPage, "other-club");

    // No cookie at all.
    const stranger = await (await fresh()).newPage();
    const none = await stranger.goto(`${world.base}/dashboard/${clubA}/weeks`);
    expect(none!.status()).toBe(401);
    await expect(stranger.locator("h1").textContent()).resolves.toBe("Please sign in");
    await shot(stranger, "no-cookie");
  });

  it("signs out: the button ends the session and the pages ask to sign in again", async () => {
    await page.goto(`${world.base}/dashboard/${clubA}/weeks`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${world.base}/dashboard/signed-out`);
    expect((await desktop.cookies()).some((c) => c.name === "warmpath_session")).toBe(false);
    const after = await page.goto(`${world.base}/dashboard/${clubA}/weeks`);
    expect(after!.status()).toBe(401);
  });
});
