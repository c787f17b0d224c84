import type { AnyCommand } from "./command.js";
import type { Token } from "./tokenize.js";
import { closest } from "./suggest.js";

/** Group words typed alone (`goal`) or followed by words that are no subcommand (`intro @bob ...`). */
const GROUP_DEFAULTS: Record<string, { alone: string; otherwise?: string }> = {
  goal: { alone: "goal list" },
  target: { alone: "target list" },
  network: { alone: "network list" },
  intro: { alone: "intro list", otherwise: "intro request" },
};

export type Resolution =
  | { ok: true; command: AnyCommand; rest: Token[] }
  | { ok: false; reason: "empty" }
  | { ok: false; reason: "unknown"; word: string; suggestion?: string }
  | { ok: false; reason: "unknown-sub"; group: string; word: string; commands: AnyCommand[] };

export function createRegistry(commands: readonly AnyCommand[]) {
  const byName = new Map(commands.map((c) => [c.name, c]));
  const groups = new Map<string, AnyCommand[]>();
  for (const c of commands) {
    const [first, second] = c.name.split(" ");
    if (second) groups.set(first!, [...(groups.get(first!) ?? []), c]);
  }

  function resolve(tokens: Token[]): Resolution {
    const [first, second, ...after] = tokens;
    if (!first) return { ok: false, reason: "empty" };
    const word = first.value.toLowerCase();
    const single = byName.get(word);
    if (single) return { ok: true, command: single, rest: tokens.slice(1) };
    const members = groups.get(word);
    if (!members) return { ok: false, reason: "unknown", word: first.value, ...suggest(word) };
    const defaults = GROUP_DEFAULTS[word];
    if (!second) {
      const alone = defaults ? byName.get(defaults.alone) : undefined;
      return alone ? { ok: true, command: alone, rest: [] } : { ok: false, reason: "unknown-sub", group: word, word: "", commands: members };
    }
    const sub = byName.get(`${word} ${second.value.toLowerCase()}`);
    if (sub) return { ok: true, command: sub, rest: after };
    const otherwise = defaults?.otherwise ? byName.get(defaults.otherwise) : undefined;
    if (otherwise) return { ok: true, command: otherwise, rest: tokens.slice(1) };
    return { ok: false, reason: "unknown-sub", group: word, word: second.value, commands: members };
  }

  function suggest(word: string): { suggestion?: string } {
    const suggestion = closest(word, [...new Set(commands.map((c) => c.name.split(" ")[0]!))]);
    return suggestion ? { suggestion } : {};
  }

  return { commands, resolve, get: (name: string) => byName.get(name), groups };
}

export type Registry = ReturnType<typeof createRegistry>;
