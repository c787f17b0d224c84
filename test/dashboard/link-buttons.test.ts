import { describe, expect, it } from "vitest";
import { ButtonStyle, ComponentType } from "discord.js";
import type { Reply } from "../../src/core/types.js";
import { renderPlain } from "../../src/adapters/console/render.js";
import { ACTION_PREFIX, renderMessage } from "../../src/adapters/slack/render.js";
import { renderReply } from "../../src/adapters/discord/render.js";

const URL_ = "https://warmpath.example.com/dashboard/sign-in?token=abc.def";
const reply: Reply = {
  text: `Your sign-in link: ${URL_}`,
  visibility: "private",
  tone: "info",
  buttons: [{ label: "Show commands", command: "help" }],
  links: [{ label: "Open the dashboard", url: URL_ }],
};

describe("link buttons on each platform", () => {
  it("the console prints the address after the command buttons", () => {
    const lines = renderPlain(reply).split("\n");
    expect(lines.at(-1)).toBe(`[Open the dashboard: ${URL_}]`);
    expect(lines.at(-2)).toBe("[Show commands: help]");
  });

  it("Slack shows a url button whose click runs nothing (no value) and is still ours to ack", () => {
    const actions = renderMessage(reply).blocks.filter((b) => b.type === "actions");
    expect(actions).toHaveLength(1);
    const elements = (actions[0] as unknown as { elements: Array<Record<string, unknown>> }).elements;
    expect(elements).toHaveLength(2);
    const link = elements[1]!;
    expect(link).toMatchObject({ type: "button", url: URL_, text: { type: "plain_text", text: "Open the dashboard" } });
    expect(link.value).toBeUndefined();
    expect(String(link.action_id).startsWith(ACTION_PREFIX)).toBe(true);
    expect(link.action_id).not.toBe(elements[0]!.action_id);
  });

  it("Discord shows a link button (style 5) with the url and no custom_id", () => {
    const buttons = renderReply(reply).components.flatMap((row) => row.components);
    expect(buttons).toHaveLength(2);
    expect(buttons[1]).toEqual({ type: ComponentType.Button, style: ButtonStyle.Link, label: "Open the dashboard", url: URL_ });
  });

  it("a url too long for Discord (512) is left to the text", () => {
    const long = `https://warmpath.example.com/${"x".repeat(600)}`;
    const buttons = renderReply({ ...reply, links: [{ label: "Open", url: long }] }).components.flatMap((row) => row.components);
    expect(buttons.map((b) => b.style)).toEqual([ButtonStyle.Secondary]);
  });
});
