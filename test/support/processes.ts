import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * How production starts Warmpath: `node dist/main.js` (the Dockerfile's command; `npm start` builds,
 * then runs the same). The global setup builds dist/ once before any test file runs.
 */
export function botCommand(script = "dist/main.js"): { command: string; args: string[]; cwd: string } {
  return { command: process.execPath, args: [path.join(root, script)], cwd: root };
}

/**
 * The environment of a new user starting Warmpath: this machine's, without any platform token,
 * database URL, data directory, port or test-runner variable, plus what the test sets.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(SLACK_|DISCORD_|DATABASE_URL|TEST_DATABASE_URL|DATA_DIR|VITEST|NODE_OPTIONS|PORT|LOG_LEVEL|OUTBOX_|SCHEDULER_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
