import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ApplicationCommandOptionType as T,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
} from "discord.js";
import { arg } from "../../src/core/args.js";
import { defineCommand, type AnyCommand } from "../../src/core/command.js";
import { allCommands } from "../../src/core/commands/index.js";
import { privateReply } from "../../src/core/reply.js";
import {
  buildJobclubCommand,
  checkApplicationCommand,
  commandSize,
  COMMAND_LIMITS,
  readInteractionOptions,
  sameCommandSet,
  type ChatInputCommandJson,
} from "../../src/adapters/discord/command-options.js";

const jobclub = buildJobclubCommand(allCommands);

function subcommand(path: string): APIApplicationCommandSubcommandOption {
  const [first, second] = path.split(" ");
  const top = jobclub.options!.find((o) => o.name === first)!;
  if (!second) return top as APIApplicationCommandSubcommandOption;
  return (top as { options: APIApplicationCommandSubcommandOption[] }).options.find((o) => o.name === second)!;
}

function option(path: string, name: string): APIApplicationCommandBasicOption {
  return subcommand(path).options!.find((o) => o.name === name)!;
}

/** A command declared like the core's, for declarations Warmpath doesn't have (yet). */
function declared(name: string, args: z.ZodObject, summary = "A test command"): AnyCommand {
  return defineCommand({ name, summary, usage: name, args, run: async () => privateReply("ok") });
}

describe("the /jobclub command generated from the declarations", () => {
  it("is one guild-only command with every core command as a subcommand or group subcommand", () => {
    expect(jobclub.name).toBe("jobclub");
    expect(jobclub.contexts).toEqual([0]);
    const paths = jobclub.options!.flatMap((o) =>
      o.type === T.SubcommandGroup ? o.options!.map((s) => `${o.name} ${s.name}`) : [o.name],
    );
    expect(paths.sort()).toEqual(allCommands.map((c) => c.name).sort());
    const goals = allCommands.filter((c) => c.name.startsWith("goal ")).map((c) => c.name.slice(5));
    expect(jobclub.options!.find((o) => o.name === "goal")).toMatchObject({ type: T.SubcommandGroup, description: `Goal commands: ${goals.join(", ")}` });
    expect(goals.slice(0, 3)).toEqual(["add", "list", "done"]);
    expect(subcommand("forget-me")).toMatchObject({ type: T.Subcommand, description: allCommands.find((c) => c.name === "forget-me")!.summary });
  });

  it("maps text and words to strings with their length limits, ints to integers with bounds, choices to choices, mentions to users", () => {
    expect(option("goal add", "text")).toEqual({ type: T.String, name: "text", description: "What you want to get done this week", required: true, min_length: 1, max_length: 500 });
    expect(option("snooze", "until")).toMatchObject({ type: T.String, required: true, max_length: 40 });
    expect(option("goal done", "n")).toEqual({ type: T.Integer, name: "n", description: "The goal's number in `goal list`", required: true, min_value: 1, max_value: 20 });
    expect(option("intro accept", "id")).toMatchObject({ type: T.Integer, min_value: 1, max_value: 2_147_483_647 });
    expect(option("log", "kind")).toMatchObject({
      type: T.String,
      required: true,
      choices: ["outreach", "coffee", "informational", "application", "interview"].map((c) => ({ name: c, value: c })),
    });
    expect(option("thanks", "member")).toEqual({ type: T.User, name: "member", description: "Who helped you", required: true });
    expect(option("forget-me", "confirm")).toMatchObject({ required: false, choices: [{ name: "confirm", value: "confirm" }] });
  });

  it("offers company autocomplete exactly where the declarations ask for it", () => {
    const withAutocomplete: string[] = [];
    for (const o of jobclub.options!) {
      const subs = o.type === T.SubcommandGroup ? o.options!.map((s) => [`${o.name} ${s.name}`, s] as const) : [[o.name, o] as const];
      for (const [path, sub] of subs) {
        for (const opt of (sub as APIApplicationCommandSubcommandOption).options ?? []) if ("autocomplete" in opt && opt.autocomplete) withAutocomplete.push(`${path} ${opt.name}`);
      }
    }
    expect(withAutocomplete.sort()).toEqual(
      ["intro request company", "network add company", "network remove company", "target add company", "target remove company", "target stage company", "who company"].sort(),
    );
  });

  it("puts required options first, as Discord demands, whatever the declared order", () => {
    // intro request declares helper, kind (optional), company, ask (optional), confirm (optional).
    expect(subcommand("intro request").options!.map((o) => [o.name, o.required])).toEqual([
      ["helper", true],
      ["company", true],
      ["kind", false],
      ["ask", false],
      ["confirm", false],
    ]);
  });

  it("stays within every Discord limit, with room to grow", () => {
    expect(checkApplicationCommand(jobclub)).toEqual([]);
    expect(jobclub.options!.length).toBeLessThanOrEqual(COMMAND_LIMITS.options);
    expect(commandSize(jobclub)).toBeLessThan(COMMAND_LIMITS.totalCharacters);
    const names: string[] = [];
    const walk = (options: readonly APIApplicationCommandOption[] | undefined) => {
      for (const o of options ?? []) {
        names.push(o.name);
        expect(o.description.length).toBeGreaterThan(0);
        expect(o.description.length).toBeLessThanOrEqual(100);
        if ("options" in o) walk(o.options);
      }
    };
    walk(jobclub.options);
    for (const name of names) expect(name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
  });

  it("refuses declarations Discord would reject, naming the problem", () => {
    const cases: Array<[string, AnyCommand[], RegExp]> = [
      ["a capitalised name", [declared("Shout", z.object({}))], /must be lower case/],
      ["a name over 32 characters", [declared("a".repeat(33), z.object({}))], /name "a{33}" must be 1-32/],
      ["an option named with a dot", [declared("x", z.object({ "a.b": arg.word({ max: 5, description: "d" }) }))], /name "a\.b"/],
      ["an option description over 100", [declared("x", z.object({ a: arg.word({ max: 5, description: "d".repeat(101) }) }))], /description must be 1-100/],
      [
        "26 choices",
        [declared("x", z.object({ a: arg.choice(Array.from({ length: 26 }, (_, i) => `c${i}`) as unknown as readonly [string, ...string[]], { description: "d" }) }))],
        /26 choices \(at most 25\)/,
      ],
      ["a text longer than Discord allows", [declared("x", z.object({ a: arg.text({ max: 7000, description: "d" }) }))], /max_length must be 1-6000/],
      ["three-word names", [declared("a b c", z.object({}))], /more than two words/],
      [
        "26 subcommands in one group",
        Array.from({ length: 26 }, (_, i) => declared(`grp s${i}`, z.object({}))),
        /grp: 26 options \(at most 25\)/,
      ],
    ];
    for (const [label, commands, problem] of cases) {
      expect(() => buildJobclubCommand(commands), label).toThrow(problem);
    }
  });

  it("counts the whole command against Discord's 8000 characters", () => {
    const long = Array.from({ length: 20 }, (_, i) =>
      declared(`g${i} s`, z.object(Object.fromEntries(Array.from({ length: 5 }, (_, j) => [`o${j}`, arg.word({ max: 5, optional: true, description: "d".repeat(100) })]))), "s".repeat(100)),
    );
    expect(() => buildJobclubCommand(long)).toThrow(/characters in names, descriptions and choices \(at most 8000\)/);
  });

  it("catches hand-written commands that break the nesting and ordering rules", () => {
    const bad: ChatInputCommandJson = {
      name: "jobclub",
      description: "d",
      options: [
        { type: T.Subcommand, name: "a", description: "d", options: [{ type: T.String, name: "x", description: "d" }, { type: T.String, name: "y", description: "d", required: true }] },
        { type: T.String, name: "loose", description: "d" },
        { type: T.Subcommand, name: "a", description: "" },
        { type: T.Subcommand, name: "b", description: "d", options: [{ type: T.String, name: "c", description: "d", autocomplete: true, choices: [{ name: "x", value: "x" }] } as unknown as APIApplicationCommandBasicOption] },
      ],
    };
    const problems = checkApplicationCommand(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        "/jobclub a y: required options must come before optional ones",
        "/jobclub: subcommands can't be mixed with plain options",
        '/jobclub: two options are named "a"',
        "/jobclub a: description must be 1-100 characters (has 0)",
        "/jobclub b c: autocomplete and choices can't go together",
      ]),
    );
  });
});

describe("reading an interaction's options for the core", () => {
  it("names the subcommand of a group and keys values by the zod field names", () => {
    expect(
      readInteractionOptions([{ type: T.SubcommandGroup, name: "goal", options: [{ type: T.Subcommand, name: "done", options: [{ type: T.Integer, name: "n", value: 2 }] }] }]),
    ).toEqual({ command: "goal done", options: { n: 2 } });
  });

  it("passes users as mentions the core's parser reads, and strings and numbers as they are", () => {
    const read = readInteractionOptions([
      {
        type: T.SubcommandGroup,
        name: "intro",
        options: [
          {
            type: T.Subcommand,
            name: "request",
            options: [
              { type: T.User, name: "helper", value: "123456789012345678" },
              { type: T.String, name: "company", value: "Acme Corp" },
              { type: T.String, name: "kind", value: "referral" },
            ],
          },
        ],
      },
    ]);
    expect(read).toEqual({ command: "intro request", options: { helper: "<@123456789012345678>", company: "Acme Corp", kind: "referral" } });
  });

  it("reads single-word subcommands, and refuses payloads without one", () => {
    expect(readInteractionOptions([{ type: T.Subcommand, name: "forget-me" }])).toEqual({ command: "forget-me", options: {} });
    expect(readInteractionOptions([])).toBeUndefined();
    expect(readInteractionOptions([{ type: T.String, name: "text", value: "x" }])).toBeUndefined();
    expect(readInteractionOptions([{ type: T.SubcommandGroup, name: "goal", options: [] }])).toBeUndefined();
  });

  it("ignores option types Warmpath never declares", () => {
    expect(readInteractionOptions([{ type: T.Subcommand, name: "who", options: [{ type: T.Channel, name: "where", value: "1" }, { type: T.String, name: "company", value: "Acme" }] }])).toEqual({
      command: "who",
      options: { company: "Acme" },
    });
  });
});

describe("comparing registered commands", () => {
  it("treats Discord's answer (ids, versions, omitted false flags) as the same as what we sent", () => {
    const strip = (options: unknown): unknown =>
      Array.isArray(options)
        ? options.map((o: Record<string, unknown>) => {
            const { required, autocomplete, options: nested, ...rest } = o;
            return { ...rest, ...(required ? { required } : {}), ...(autocomplete ? { autocomplete } : {}), ...(nested ? { options: strip(nested) } : {}) };
          })
        : options;
    const answered = { ...jobclub, id: "1", application_id: "2", version: "3", default_member_permissions: null, nsfw: false, options: strip(jobclub.options), name_localizations: null };
    expect(sameCommandSet([answered], [jobclub])).toBe(true);
  });

  it("notices a changed description, a new option, a different bound or a missing command", () => {
    const changed = structuredClone(jobclub);
    changed.description = "Something else";
    expect(sameCommandSet([changed], [jobclub])).toBe(false);
    const bound = structuredClone(jobclub);
    (bound.options!.find((o) => o.name === "goal") as { options: Array<{ name: string; options: Array<{ max_value?: number }> }> }).options.find((s) => s.name === "done")!.options[0]!.max_value = 99;
    expect(sameCommandSet([bound], [jobclub])).toBe(false);
    expect(sameCommandSet([], [jobclub])).toBe(false);
    expect(sameCommandSet([jobclub, { ...jobclub, name: "old" }], [jobclub])).toBe(false);
  });
});
