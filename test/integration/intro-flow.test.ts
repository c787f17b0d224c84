import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_B, createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";

describe.each(backends)("introductions on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("ana", "join Senior data engineer");
    await h.run("bob", "network add Acme Corp works");
    await h.run("cy", "network add ACME worked");
    await h.run("di", "network add acme inc knows");
    await h.run("ana", "target add Acme");
  });
  afterAll(async () => {
    await database?.close();
  });

  const introRow = async (number: number) =>
    (await queryRows<{ status: string; decline_reason: string | null; outcome: string | null }>(database.db, sql`select status, decline_reason, outcome from intros where number = ${number}`))[0];

  it("a request sends the helper a private message with the headline, company, ask and two buttons", async () => {
    h.port.deliveries.length = 0;
    const reply = await h.run("ana", "intro @bob Acme: could you introduce me to the data team lead?");
    expect(reply.text).toContain("Asked bob for an introduction at Acme Corp (#1)");
    expect(h.port.deliveries).toHaveLength(1);
    const dm = h.port.deliveries[0]!;
    expect(dm).toMatchObject({ kind: "direct", userId: "bob" });
    expect(dm.reply.text).toContain("ana (Senior data engineer) would like your help with Acme Corp");
    expect(dm.reply.text).toContain("“could you introduce me to the data team lead?”");
    expect(dm.reply.buttons).toEqual([
      { label: "Accept", command: "intro accept 1", style: "primary" },
      { label: "Decline", command: "intro decline 1", style: "danger" },
    ]);
  });

  it("asking the same person again about the same company is refused", async () => {
    const reply = await h.run("ana", "intro @bob acme corporation");
    expect(reply.tone).toBe("error");
    expect(reply.text).toContain("already asked bob about Acme Corp (#1, requested)");
  });

  it("only the named helper can accept, and nobody else learns anything new", async () => {
    h.port.deliveries.length = 0;
    expect((await h.run("cy", "intro accept 1")).text).toContain("Only bob can answer intro #1");
    expect((await h.run("ana", "intro accept 1")).text).toContain("Only bob can answer intro #1");
    expect((await h.run("cy", "intro decline 1")).tone).toBe("error");
    expect(await introRow(1)).toMatchObject({ status: "requested" });
    expect(h.port.deliveries).toHaveLength(0);
  });

  it("accepting opens one room with both members; accepting again opens none", async () => {
    h.port.deliveries.length = 0;
    const first = await h.run("bob", "intro accept 1");
    expect(first.tone).toBe("success");
    expect(h.port.deliveries).toHaveLength(1);
    const room = h.port.deliveries[0]!;
    expect(room).toMatchObject({ kind: "room", userIds: ["ana", "bob"] });
    expect(room.reply.text).toContain("bob, meet ana");
    expect(room.reply.text).toContain("Acme Corp");
    expect(room.reply.text).toContain("bob works at Acme Corp");
    expect(room.reply.text).toContain("“could you introduce me to the data team lead?”");

    const second = await h.run("bob", "intro accept #1");
    expect(second.text).toContain("already accepted #1");
    // A click arrives the same way as typing.
    const click = await h.invoke({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "bob", displayName: "bob" }, via: "button", text: "intro accept 1" });
    expect(click.text).toContain("already accepted");
    expect(h.port.deliveries).toHaveLength(1);
    expect((await h.run("bob", "intro decline 1")).tone).toBe("error");
    expect(await introRow(1)).toMatchObject({ status: "accepted" });
  });

  it("concurrent accepts still open exactly one room", async () => {
    await h.run("ana", "intro @cy Acme");
    h.port.deliveries.length = 0;
    const clicks = await Promise.all([1, 2, 3].map(() => h.core.handle({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "cy", displayName: "cy" }, via: "button", text: "intro accept 2" })));
    await h.dispatcher.drain();
    expect(clicks.filter((r) => r.tone === "success")).toHaveLength(1);
    expect(h.port.deliveries.filter((d) => d.kind === "room")).toHaveLength(1);
  });

  it("declining tells the requester kindly and lists the next-best helpers", async () => {
    await h.run("eve", "network add Globex works");
    await h.run("fay", "network add Globex knows");
    await h.run("gus", "network add Globex worked");
    await h.run("ana", "intro @eve referral Globex: a referral for the analytics role?");
    h.port.deliveries.length = 0;
    const reply = await h.run("eve", "intro decline 3 I just joined and can't refer yet");
    expect(reply.text).toContain("Declined #3");
    expect(h.port.deliveries).toHaveLength(1);
    const note = h.port.deliveries[0]!;
    expect(note).toMatchObject({ kind: "direct", userId: "ana" });
    expect(note.reply.text).toContain("eve can't help with Globex right now");
    expect(note.reply.text).toContain("They said: “I just joined and can't refer yet.” No hard feelings");
    expect(note.reply.text).toContain("1. gus used to work at Globex\n2. fay knows someone at Globex");
    expect(note.reply.buttons?.map((b) => b.label)).toEqual(["Ask gus", "Ask fay"]);
    expect(await introRow(3)).toMatchObject({ status: "declined", decline_reason: "I just joined and can't refer yet" });
    // Declining again changes nothing and sends nothing.
    expect((await h.run("eve", "intro decline 3")).text).toContain("already declined");
    expect(h.port.deliveries).toHaveLength(1);
    expect((await h.run("eve", "intro accept 3")).tone).toBe("error");
    // Pressing "Ask gus" asks gus, exactly as typing would.
    h.port.deliveries.length = 0;
    const asked = await h.invoke({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "ana", displayName: "ana" }, via: "button", text: note.reply.buttons![0]!.command });
    expect(asked.text).toContain("Asked gus for an introduction at Globex (#4)");
    expect(h.port.deliveries).toMatchObject([{ kind: "direct", userId: "gus" }]);
  });

  it("outcomes are recorded by either member of an accepted intro only", async () => {
    expect((await h.run("ana", "intro outcome 1 met")).tone).toBe("success");
    expect(await introRow(1)).toMatchObject({ outcome: "met" });
    expect((await h.run("cy", "intro outcome 1 hired")).tone).toBe("error");
    expect((await h.run("ana", "intro outcome 3 met")).tone).toBe("error");
  });

  it("intro list shows both sides, with buttons for what waits on me", async () => {
    // Initech is new to the club and bob has no tie to it: sent once confirmed.
    await h.run("gus", "intro @bob Initech confirm");
    const list = await h.run("bob", "intro list");
    expect(list.text).toContain("#1 ana (Senior data engineer) asked you about Acme Corp: accepted (met)");
    expect(list.text).toContain("#5 gus asked you about Initech: requested");
    expect(list.buttons?.map((b) => b.command)).toEqual(["intro accept 5", "intro decline 5", "intro list open"]);
  });

  it("another club's members cannot act on this club's intro numbers", async () => {
    h.port.deliveries.length = 0;
    // bob in club B is a different member, with a different intro #1 space.
    const reply = await h.run("bob", "intro decline 5", CLUB_B);
    expect(reply.text).toContain("There is no intro #5 in this club");
    expect(await introRow(5)).toMatchObject({ status: "requested" });
    expect(h.port.deliveries).toHaveLength(0);
  });

  it("a typed company without a colon is split at the longest name the club knows", async () => {
    await h.run("hal", "network add Big Blue Corp works");
    await h.run("ana", "intro @hal Big Blue Corp could you tell me about the culture");
    const dm = h.port.deliveries.at(-1)!;
    expect(dm.reply.text).toContain("help with Big Blue Corp");
    expect(dm.reply.text).toContain("“could you tell me about the culture”");
  });
});
