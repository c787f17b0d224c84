import fs from "node:fs";
import path from "node:path";
import { AppError } from "../util/app-error.js";

/** Lock files this process holds: our own pid in a lock file is only stale if we don't hold it. */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * An exclusive lock on a PGlite data directory: a lock file created with O_EXCL holding our pid.
 * A lock left by a process that no longer runs (a crash, kill -9) is taken over.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.resolve(dataDir, "warmpath.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      heldHere.add(file);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldHere.delete(file);
        try {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
      const ours = holder === process.pid && heldHere.has(file);
      if (ours || (Number.isInteger(holder) && holder !== process.pid && isAlive(holder))) {
        throw new AppError(
          "DATA_DIR_LOCKED",
          `Another Warmpath process (pid ${holder}) is already using the data directory ${path.resolve(dataDir)}. ` +
            "Stop it first, or set DATA_DIR to another directory (or DATABASE_URL to share a Postgres server).",
        );
      }
      // Stale lock: its process is gone.
      fs.rmSync(file, { force: true });
    }
  }
  throw new AppError("DATA_DIR_LOCKED", `Could not lock the data directory ${path.resolve(dataDir)}.`);
}
