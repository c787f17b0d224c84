import type { types } from "@slack/bolt";
import type { Core } from "../../core/core.js";
import type { Actor, ClubRef, Reply } from "../../core/types.js";
import { actionsBlocks, escapeMrkdwn, renderMessage, SLACK_LIMITS, type SlackBlock } from "./render.js";

/** The App Home's sections: each is what the member would see typing the command. */
const SECTIONS = [
  { command: "goal list", prefix: "goals." },
  { command: "target list", prefix: "targets." },
  { command: "intro list", prefix: "intros." },
] as const;

/** Blocks each section may use, so that three of them and the frame stay under the Home's 100. */
const SECTION_BLOCKS = 28;

const divider: SlackBlock = { type: "divider" };

function contextLine(text: string): SlackBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

/**
 * The Home tab for one person. Members see their goals this week, their targets and stages, and their
 * intros, each rendered from the same replies as the commands (so buttons run the same command lines).
 * People who have not joined see how to, and opening the tab does not make them a member.
 */
export async function buildHomeView(options: { core: Core; club: ClubRef; actor: Actor; isMember: boolean; slashCommand: string }): Promise<types.HomeView> {
  const { core, club, actor, slashCommand } = options;
  const command = escapeMrkdwn(slashCommand);
  if (!options.isMember) {
    return {
      type: "home",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Welcome to Warmpath", emoji: true } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              "This workspace runs a job club. Members set weekly goals, keep their target companies in one place, " +
              "and find *warm paths*: other members who work at, used to work at, or know someone at those companies, " +
              "with double opt-in introductions.",
          },
        },
        ...actionsBlocks(
          [
            { label: "Join the club", command: "join", style: "primary" },
            { label: "Show commands", command: "help" },
          ],
          "home.",
        ),
        contextLine(`Or type \`${command} join <the role you're looking for>\` in any channel.`),
      ],
    };
  }

  const replies: Reply[] = [];
  for (const section of SECTIONS) {
    replies.push(await core.handle({ club, actor, via: "text", text: section.command }));
  }
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Your job club", emoji: true } },
    ...actionsBlocks(
      [
        { label: "My profile", command: "profile" },
        { label: "All commands", command: "help" },
        { label: "Export my data", command: "export" },
      ],
      "home.",
    ),
  ];
  replies.forEach((reply, i) => {
    blocks.push(divider, ...renderMessage(reply, { maxBlocks: SECTION_BLOCKS, actionPrefix: SECTIONS[i]!.prefix }).blocks);
  });
  blocks.push(divider, contextLine(`Add goals, targets and your network with \`${command} goal add …\`, \`${command} target add …\` and \`${command} network add …\` in any channel.`));
  return { type: "home", blocks: blocks.slice(0, SLACK_LIMITS.homeBlocks) };
}
