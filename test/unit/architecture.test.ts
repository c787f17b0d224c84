import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

describe("boundaries", () => {
  it("the core imports no platform SDK and no database library", () => {
    for (const file of sources("src/core")) {
      const text = fs.readFileSync(file, "utf8");
      for (const forbidden of ["@slack/", "discord.js", "@discordjs/", "drizzle-orm", "\"pg\"", "@electric-sql/pglite"]) {
        expect(text.includes(`from "${forbidden}`) || text.includes(`from ${forbidden}`), `${file} imports ${forbidden}`).toBe(false);
      }
    }
  });

  it("commands and services reach the database only through ctx.store (type imports only)", () => {
    for (const file of [...sources("src/core/commands"), ...sources("src/core/services")]) {
      const text = fs.readFileSync(file, "utf8");
      const valueImports = [...text.matchAll(/^import (?!type )[^;]*from "(\.\.\/)+db\/[^"]*";/gm)];
      expect(valueImports.map((m) => m[0]), file).toEqual([]);
    }
  });
});
