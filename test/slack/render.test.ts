import { describe, expect, it } from "vitest";
import type { Reply } from "../../src/core/types.js";
import {
  ACTION_PREFIX,
  SLACK_LIMITS,
  escapeMrkdwn,
  escapedChunks,
  fromSlackText,
  renderMessage,
  withOutcome,
  type SlackBlock,
} from "../../src/adapters/slack/render.js";

type Loose = { type: string; text?: { type: string; text: string }; fields?: Array<{ text: string }>; elements?: Array<Record<string, unknown>> };

/** Every Block Kit limit the renderer promises, checked on its output. */
function expectWithinSlackLimits(blocks: SlackBlock[], maxBlocks: number = SLACK_LIMITS.messageBlocks) {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const block of blocks as unknown as Loose[]) {
    if (block.type === "header") expect(block.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === "section") {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      if (block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFields);
        for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
      expect(block.text ?? block.fields).toBeDefined();
    }
    if (block.type === "context") expect(block.elements!.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
    if (block.type === "actions") {
      const elements = block.elements!;
      expect(elements.length).toBeGreaterThan(0);
      expect(elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      const ids = elements.map((e) => String(e.action_id));
      expect(new Set(ids).size).toBe(ids.length);
      for (const element of elements) {
        expect(String(element.action_id).length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
        expect(String(element.action_id).startsWith(ACTION_PREFIX)).toBe(true);
        expect(String(element.value).length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
        expect((element.text as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
      }
    }
  }
}

const sectionTexts = (blocks: SlackBlock[]) => (blocks as unknown as Loose[]).filter((b) => b.type === "section" && b.text).map((b) => b.text!.text);
const buttons = (blocks: SlackBlock[]) => (blocks as unknown as Loose[]).filter((b) => b.type === "actions").flatMap((b) => b.elements!);
const unescape = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** A small seeded generator, so a failing case can be replayed. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("escaping member text for mrkdwn", () => {
  it.each([
    ["<!channel> look", "&lt;!channel&gt; look"],
    ["<!here|here> and <!everyone>", "&lt;!here|here&gt; and &lt;!everyone&gt;"],
    ["<!subteam^S123|@devs>", "&lt;!subteam^S123|@devs&gt;"],
    ["<https://evil.example|click me>", "&lt;https://evil.example|click me&gt;"],
    ["AT&T <3", "AT&amp;T &lt;3"],
    ["thanks <@U123ABC|bob> in <#C999|club>", "thanks <@U123ABC> in <#C999>"],
    ["<@U123ABC|<!channel>>", "<@U123ABC>&gt;"],
  ])("%s", (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it("never lets a special mention, link or user-group ping through, whatever the input", () => {
    const random = seeded(20261121);
    const pieces = ["<", ">", "!", "&", "|", "@", "#", "channel", "here", "everyone", "U12", "C34", "subteam^S1", "http://x", " ", "amp;", "lt;"];
    for (let i = 0; i < 3000; i++) {
      let input = "";
      const length = 1 + Math.floor(random() * 20);
      for (let j = 0; j < length; j++) input += pieces[Math.floor(random() * pieces.length)];
      const output = escapeMrkdwn(input);
      // The only angle brackets left are plain member and channel mentions.
      const rest = output.replace(/<@[UW][A-Z0-9]+>|<#[CG][A-Z0-9]+>/g, "");
      expect(rest, `input ${JSON.stringify(input)}`).not.toMatch(/[<>]/);
    }
  });
});

describe("reading Slack's escaped command text", () => {
  it.each([
    ["<!channel> we did it", "@channel we did it"],
    ["<!here>", "@here"],
    ["&lt;script&gt; &amp; more", "<script> & more"],
    ["intro <@U123|bob> Acme", "intro <@U123|bob> Acme"],
    ["config digest-channel <#C123|job-club>", "config digest-channel <#C123|job-club>"],
    ["see <https://acme.example/jobs|acme.example/jobs>", "see acme.example/jobs"],
    ["<https://acme.example>", "https://acme.example"],
    ["mail <mailto:ana@example.com|ana@example.com>", "mail ana@example.com"],
    ["ping <!subteam^S1|@devs>", "ping @devs"],
    ["on <!date^1700000000^{date}|Nov 14>", "on Nov 14"],
  ])("%s", (input, expected) => {
    expect(fromSlackText(input)).toBe(expected);
  });

  it("what a member typed comes back out escaped, so it cannot ping anyone at large", () => {
    expect(escapeMrkdwn(fromSlackText("<!channel> &lt;!here&gt;"))).toBe("@channel &lt;!here&gt;");
  });
});

describe("splitting long text into sections", () => {
  it("keeps lines whole where they fit and every piece under 3000 characters", () => {
    const text = Array.from({ length: 400 }, (_, i) => `${i + 1}. a line of text about ACME & Globex`).join("\n");
    const chunks = escapedChunks(text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(unescape(chunks.join("\n"))).toBe(text);
  });

  it("cuts a single huge line without breaking an entity or a surrogate pair", () => {
    const line = "&<>😀".repeat(2000);
    const chunks = escapedChunks(line);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(chunk).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
    expect(unescape(chunks.join(""))).toBe(line);
  });
});

describe("rendering a reply as Block Kit", () => {
  const helperRequest: Reply = {
    title: "Intro request #7: ACME, Inc.",
    text: "Ana (Data engineer) would like your help with ACME, Inc. (connection).\nTheir ask: “<!channel> intro to the data lead?”",
    visibility: "private",
    tone: "info",
    fields: [
      { label: "From", value: "Ana (Data engineer)" },
      { label: "Company", value: "ACME, Inc." },
    ],
    buttons: [
      { label: "Accept", command: "intro accept 7", style: "primary" },
      { label: "Decline", command: "intro decline 7", style: "danger" },
    ],
  };

  it("has a header, the escaped text, and buttons whose value is the command line", () => {
    const { text, blocks } = renderMessage(helperRequest);
    expectWithinSlackLimits(blocks);
    expect(blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "Intro request #7: ACME, Inc.", emoji: true } });
    expect(sectionTexts(blocks).join("\n")).toContain("“&lt;!channel&gt; intro to the data lead?”");
    expect(text).toContain("Intro request #7");
    expect(text).not.toContain("<!channel>");
    expect(buttons(blocks)).toEqual([
      { type: "button", action_id: "warmpath:intro-accept:0", text: { type: "plain_text", text: "Accept", emoji: true }, value: "intro accept 7", style: "primary" },
      { type: "button", action_id: "warmpath:intro-decline:1", text: { type: "plain_text", text: "Decline", emoji: true }, value: "intro decline 7", style: "danger" },
    ]);
  });

  it("gives the same action_ids every time, so a message's buttons stay stable", () => {
    expect(buttons(renderMessage(helperRequest).blocks).map((b) => b.action_id)).toEqual(buttons(renderMessage(helperRequest).blocks).map((b) => b.action_id));
    expect(buttons(renderMessage(helperRequest, { actionPrefix: "intros." }).blocks)[0]!.action_id).toBe("warmpath:intros.intro-accept:0");
  });

  it("does not repeat fields the text already says, and shows the others", () => {
    const repeated = renderMessage(helperRequest).blocks as unknown as Loose[];
    expect(repeated.some((b) => b.fields)).toBe(false);
    const extra = renderMessage({ text: "Profile updated.", visibility: "private", fields: [{ label: "Timezone", value: "Europe/Berlin" }] }).blocks as unknown as Loose[];
    expect(extra.find((b) => b.fields)?.fields).toEqual([{ type: "mrkdwn", text: "*Timezone*\nEurope/Berlin" }]);
  });

  it("marks errors", () => {
    const { text, blocks } = renderMessage({ text: "There is no intro #9.", visibility: "private", tone: "error" });
    expect(text).toBe("⚠️ There is no intro #9.");
    expect(sectionTexts(blocks)).toEqual(["⚠️ There is no intro #9."]);
  });

  it("stays within every limit for an enormous reply, shortening the text before dropping any button", () => {
    const huge: Reply = {
      title: "T".repeat(500),
      text: Array.from({ length: 8000 }, (_, i) => `line ${i} <!here> & more text to fill the section up`).join("\n"),
      visibility: "private",
      fields: Array.from({ length: 35 }, (_, i) => ({ label: `Field ${i}`, value: "v".repeat(2500) })),
      buttons: Array.from({ length: 60 }, (_, i) => ({ label: `A very long button label number ${i} that goes on and on and on and on`, command: `goal done ${i}` })),
      attachment: { filename: "data.json", contentType: "application/json", content: "{}" },
    };
    for (const maxBlocks of [SLACK_LIMITS.messageBlocks, SLACK_LIMITS.homeBlocks, 28]) {
      const { text, blocks } = renderMessage(huge, { maxBlocks });
      expectWithinSlackLimits(blocks, maxBlocks);
      expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
      expect(buttons(blocks)).toHaveLength(60);
      expect(JSON.stringify(blocks)).toContain("too long for one Slack message");
      expect(JSON.stringify(blocks)).not.toContain("<!here>");
    }
  });

  it("leaves out a button whose command is too long for a value, and keeps the others", () => {
    const { blocks } = renderMessage({
      text: "Pick one",
      visibility: "private",
      buttons: [
        { label: "Too long", command: `goal add ${"x".repeat(2100)}` },
        { label: "Fine", command: "goal list" },
      ],
    });
    expectWithinSlackLimits(blocks);
    expect(buttons(blocks).map((b) => b.value)).toEqual(["goal list"]);
  });

  it("puts the adapter's own mentions first, unescaped, and keeps the reply's text escaped", () => {
    const { text, blocks } = renderMessage({ text: "Meet <!everyone>", visibility: "private" }, { lead: "<@UANA> <@UBOB>" });
    expect(text.startsWith("<@UANA> <@UBOB>\n")).toBe(true);
    expect(sectionTexts(blocks)).toEqual(["<@UANA> <@UBOB>", "Meet &lt;!everyone&gt;"]);
  });
});

describe("showing the outcome of an answered request", () => {
  it("keeps the original message without its buttons and adds the outcome", () => {
    const original = renderMessage({ title: "Intro request #3", text: "Ana would like your help.", visibility: "private", buttons: [{ label: "Accept", command: "intro accept 3" }] }).blocks;
    const { text, blocks } = withOutcome(original, { text: "Thank you! <!here>", visibility: "private", tone: "success" });
    expectWithinSlackLimits(blocks);
    expect(buttons(blocks)).toEqual([]);
    expect(blocks.slice(0, -1)).toEqual(original.filter((b) => b.type !== "actions"));
    expect(sectionTexts(blocks).at(-1)).toBe("✅ Thank you! &lt;!here&gt;");
    expect(text).toBe("✅ Thank you! &lt;!here&gt;");
  });

  it("copes with a payload whose blocks are missing or not blocks at all", () => {
    expect(withOutcome(undefined, { text: "Done", visibility: "private" }).blocks).toHaveLength(1);
    expect(withOutcome([null, 3, "x", { type: "actions", elements: [] }], { text: "Done", visibility: "private" }).blocks).toHaveLength(1);
  });
});
