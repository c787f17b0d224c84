import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand, type AnyCommand } from "../command.js";
import { privateReply } from "../reply.js";
import { UserError } from "../errors.js";
import { closest } from "../suggest.js";

function details(command: AnyCommand): string {
  const examples = command.examples?.length ? `\nExamples:\n${command.examples.map((e) => `  ${e}`).join("\n")}` : "";
  return `${command.usage}\n  ${command.summary}${examples}`;
}

export const help = defineCommand({
  name: "help",
  summary: "List the commands, or explain one",
  usage: "help [command]",
  examples: ["help", "help intro", "help target add"],
  needsMember: false,
  readOnly: true,
  args: z.object({
    command: arg.text({ max: 40, optional: true, label: "command", description: "A command or group, e.g. intro" }),
  }),
  async run(ctx, { command }) {
    if (command) {
      const wanted = command.toLowerCase().replace(/\s+/g, " ");
      const matching = ctx.commands.filter((c) => c.name === wanted || c.name.startsWith(`${wanted} `));
      if (matching.length === 0) {
        const meant = closest(wanted.split(" ")[0]!, [...new Set(ctx.commands.map((c) => c.name.split(" ")[0]!))]);
        throw new UserError("HELP.UNKNOWN", `There is no command “${command}”.${meant ? ` Did you mean \`help ${meant}\`?` : ""}`, "help [command]");
      }
      return privateReply(matching.map(details).join("\n\n"), { title: `Help: ${wanted}` });
    }
    const lines = ctx.commands.map((c) => (c.usage.length <= 40 ? `${c.usage.padEnd(41)} ${c.summary}` : `${c.usage}\n${" ".repeat(42)}${c.summary}`));
    return privateReply(
      `Warmpath keeps your goals, target companies and network in one place and finds warm paths through the club.\n\n${lines.join("\n")}\n\nType \`help <command>\` for examples.`,
      { title: "Warmpath commands", buttons: [{ label: "My goals", command: "goal list" }, { label: "My targets", command: "target list" }, { label: "My intros", command: "intro list" }] },
    );
  },
});
