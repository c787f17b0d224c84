/** Child processes for the bench: started, watched (peak RSS, last words) and ended by their pid only. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";

/** A kB field of /proc/<pid>/status (VmRSS, VmHWM) in MB; undefined once the process is gone. */
export function procStatusMb(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last lines of stderr, for a crash's reason. */
  stderrTail: string[];
  /** Highest VmHWM seen while it ran (its peak RSS), in MB. */
  peakRssMb: number | undefined;
  timedOut: boolean;
}

/** Runs a process to its end (or kills it after timeoutMs), sampling its peak RSS as it goes. */
export function runToEnd(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    const tail: string[] = [];
    let peak: number | undefined;
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      tail.push(...chunk.split("\n").filter((l) => l.trim()));
      tail.splice(0, Math.max(0, tail.length - 40));
    });
    const sample = setInterval(() => {
      const hwm = child.pid ? procStatusMb(child.pid, "VmHWM") : undefined;
      if (hwm !== undefined) peak = Math.max(peak ?? 0, hwm);
    }, 200);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.once("error", (error) => {
      clearInterval(sample);
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearInterval(sample);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderrTail: tail, peakRssMb: peak, timedOut });
    });
  });
}

/** Why a process ended without its result: the fatal line of its stderr, else its exit. */
export function crashReason(finished: Finished, timeoutMs: number): string {
  if (finished.timedOut) return `timed out after ${Math.round(timeoutMs / 1000)} s`;
  const fatal =
    finished.stderrTail.find((l) => /FATAL ERROR|out of memory|Maximum call stack/i.test(l)) ??
    finished.stderrTail.find((l) => /^\w*Error\b|^\s*\w+Error:/.test(l.trim())) ??
    finished.stderrTail.at(-1);
  const exit = finished.signal ? `killed by ${finished.signal}` : `exit code ${finished.code}`;
  return fatal ? `${fatal.trim().slice(0, 200)} (${exit})` : exit;
}

/** A long-running server process (Warmpath, the bare Bolt app), with its stderr kept for errors. */
export function startServer(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): { child: ChildProcess; stderrTail: string[]; exited: Promise<void> } {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "ignore", "pipe"] });
  const stderrTail: string[] = [];
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderrTail.push(...chunk.split("\n").filter((l) => l.trim()));
    stderrTail.splice(0, Math.max(0, stderrTail.length - 40));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, stderrTail, exited };
}

/** SIGTERM to this one process (graceful), SIGKILL if it lingers. */
export async function stopServer(server: { child: ChildProcess; exited: Promise<void> }, graceMs = 15_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), graceMs);
  await server.exited;
  clearTimeout(timer);
}

/** Polls GET url until it answers 200; resolves with the ms it took from `since`. */
export async function waitFor200(url: string, since: number, timeoutMs: number, alive: () => boolean): Promise<number> {
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - since;
    } catch {
      // Not listening yet.
    }
    if (!alive()) throw new Error("the process exited before answering");
    if (performance.now() - since > timeoutMs) throw new Error(`no 200 from ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
