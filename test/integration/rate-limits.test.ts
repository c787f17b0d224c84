import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";

describe.each(backends)("per-member limits on messages to others, on $name", (backend) => {
  let database: Database;
  let h: Harness;
  const helpers = ["bob", "cy", "dee", "eli", "fay", "gus", "hal"];
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("ana", "join Product manager");
    for (const [i, helper] of helpers.entries()) await h.run(helper, `network add Company${i} works`);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("a sixth intro request within an hour is refused kindly, sends nothing, and is allowed once the hour has passed", async () => {
    for (const [i, helper] of helpers.slice(0, 5).entries()) {
      expect((await h.run("ana", `intro @${helper} Company${i}`)).tone, helper).toBe("success");
    }
    const sentBefore = h.port.deliveries.length;
    const refused = await h.run("ana", "intro @gus Company5");
    expect(refused.tone).toBe("error");
    expect(refused.visibility).toBe("private");
    expect(refused.text).toContain("5 introduction requests in an hour");
    expect(refused.text).toMatch(/next one in 60 minutes/);
    expect(h.port.deliveries.length).toBe(sentBefore);
    expect((await h.run("gus", "intro list")).text).not.toContain("ana");

    h.clock.advance(30 * 60_000);
    expect((await h.run("ana", "intro @gus Company5")).text).toMatch(/next one in 30 minutes/);
    h.clock.advance(31 * 60_000);
    expect((await h.run("ana", "intro @gus Company5")).tone).toBe("success");
  });

  it("thanks sent all at once stop at the limit: exactly ten go out", async () => {
    const replies = await Promise.all(Array.from({ length: 13 }, (_, i) => h.run("cy", `thanks @${helpers[i % 2 === 0 ? 0 : 2]} note ${i}`)));
    expect(replies.filter((r) => r.tone === "success")).toHaveLength(10);
    const refused = replies.filter((r) => r.tone !== "success");
    expect(refused).toHaveLength(3);
    for (const reply of refused) expect(reply.text).toContain("10 thank-you notes in an hour");
    expect(h.port.deliveries.filter((d) => d.kind === "direct" && d.reply.text.includes("cy thanked you"))).toHaveLength(10);
  });
});
