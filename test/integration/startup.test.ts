import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openPglite, queryRows } from "../../src/db/client.js";
import { createScratchDatabase } from "../support/databases.js";
import { openPostgres } from "../../src/db/client.js";

describe("a PGlite data directory", () => {
  it("is refused to a second opener while the first holds it, and free again after close", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-lock-"));
    const first = await openPglite({ dataDir: dir });
    try {
      await expect(openPglite({ dataDir: dir })).rejects.toThrow(/Another Warmpath process \(pid \d+\) is already using the data directory/);
    } finally {
      await first.close();
    }
    const again = await openPglite({ dataDir: dir });
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("left locked by a process that died is taken over", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-lock-"));
    // A pid that cannot be running: above the kernel's pid_max.
    fs.writeFileSync(path.join(dir, "warmpath.lock"), "99999999");
    const database = await openPglite({ dataDir: dir });
    expect(fs.readFileSync(path.join(dir, "warmpath.lock"), "utf8")).toBe(String(process.pid));
    await database.close();
    expect(fs.existsSync(path.join(dir, "warmpath.lock"))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("migrations on Postgres", () => {
  it("several processes starting at once on one new database all succeed and migrate once", async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    try {
      const openers = await Promise.all([1, 2, 3, 4].map(() => openPostgres(scratch.url, { poolSize: 2 })));
      const [applied] = await queryRows<{ n: number }>(openers[0]!.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const journal = JSON.parse(fs.readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: unknown[] };
      expect(Number(applied!.n)).toBe(journal.entries.length);
      const [tables] = await queryRows<{ n: number }>(openers[0]!.db, sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
      expect(Number(tables!.n)).toBeGreaterThanOrEqual(13);
      await Promise.all(openers.map((o) => o.close()));
    } finally {
      await scratch.drop();
    }
  });
});
