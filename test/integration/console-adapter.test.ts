import os from "node:os";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { fakeClock } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";
import { createCore } from "../../src/core/core.js";
import { createDispatcher } from "../../src/outbox/dispatcher.js";
import { createLogger } from "../../src/util/logger.js";
import { CONSOLE_CLUB, createConsolePort, defaultConsoleUser, runConsole } from "../../src/adapters/console/console-adapter.js";
import { findClub } from "../../src/db/store/clubs.js";
import { createClubStore } from "../../src/db/store/club-store.js";

/** The console as `npm start` runs it, on a real database, with typed lines in and printed text out. */
describe.each(backends)("the console on $name", (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function session(lines: string[]): Promise<string> {
    const logger = createLogger({ level: "silent" });
    const clock = fakeClock();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const core = createCore({ db: database.db, logger, clock });
    const dispatcher = createDispatcher({ db: database.db, ports: [createConsolePort(output, database.db)], logger, clock });
    const input = PassThrough.from(lines.map((l) => `${l}\n`));
    await runConsole({ core, dispatcher, db: database.db, input, output, defaultUser: "admin" });
    return printed;
  }

  it("prints buttons with the @names you type, channels without markup, and keeps first-use names", async () => {
    const out = await session([
      "@Ana join Data engineer",
      "@ANA goal add Call bob",
      "@bob network add Acme works",
      "@ana who acme",
      "config digest-channel #job-club",
      "@bob members",
    ]);
    expect(out).toContain("Welcome to the job club, Ana!");
    // The button is a command line that works when typed, not the internal <@#4>.
    expect(out).toMatch(/\[Ask bob: intro @bob Acme\]/);
    expect(out).not.toContain("<@#");
    expect(out).toContain("Digest channel: #job-club");
    expect(out).not.toContain("<#job-club>");
    // `@ANA` is ana, and doesn't rename her for everyone.
    expect(out).toContain("Ana: Data engineer · searching");
    expect(out).not.toContain("ANA");
  });

  it("names members in DMs the outbox prints too", async () => {
    const club = await findClub(database.db, CONSOLE_CLUB);
    const bobMember = await createClubStore(database.db, club!.id).members.findByPlatformUser("console", "bob");
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const port = createConsolePort(output, database.db);
    await port.sendDirect({ clubId: club!.id, externalId: "local" }, "ana", {
      text: "Someone else could help with Acme.",
      visibility: "private",
      buttons: [{ label: "Ask bob", command: `intro <@#${bobMember!.id}> Acme` }],
    });
    expect(printed).toBe("[DM to @ana] Someone else could help with Acme.\n[DM to @ana] [Ask bob: intro @bob Acme]\n");
  });

  it("calls the person at the keyboard by their login name, or admin, never “me”", () => {
    const login = os.userInfo().username;
    expect(defaultConsoleUser()).toBe(login === "root" || login === "" ? "admin" : login);
    expect(defaultConsoleUser()).not.toBe("me");
  });
});
