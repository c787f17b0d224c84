import { describe, expect, it } from "vitest";
import { ButtonStyle, ComponentType, type APIButtonComponentWithCustomId } from "discord.js";
import type { Button, Reply } from "../../src/core/types.js";
import { MESSAGE_LIMITS, renderReply } from "../../src/adapters/discord/render.js";
import { decodeCustomId, encodeCustomId, MAX_CUSTOM_ID } from "../../src/adapters/discord/custom-id.js";

const reply = (extras: Partial<Reply> = {}): Reply => ({ text: "Hello", visibility: "private", tone: "info", ...extras });
const GUILD = "1310000000000000001";

/** The buttons that run a command (a link button has a url instead of a custom_id). */
function allButtons(rendered: ReturnType<typeof renderReply>) {
  return rendered.components.flatMap((row) => row.components).filter((b): b is APIButtonComponentWithCustomId => "custom_id" in b);
}

/** Every limit Discord checks on a message, as a list of broken ones. */
function brokenLimits(rendered: ReturnType<typeof renderReply>): string[] {
  const broken: string[] = [];
  if ((rendered.content ?? "").length > MESSAGE_LIMITS.content) broken.push("content");
  let total = 0;
  for (const embed of rendered.embeds) {
    if ((embed.title ?? "").length > MESSAGE_LIMITS.embedTitle) broken.push("title");
    if ((embed.description ?? "").length > MESSAGE_LIMITS.embedDescription) broken.push("description");
    if ((embed.fields ?? []).length > MESSAGE_LIMITS.embedFields) broken.push("fields");
    total += (embed.title ?? "").length + (embed.description ?? "").length;
    for (const f of embed.fields ?? []) {
      if (f.name.length > MESSAGE_LIMITS.fieldName || f.name.length === 0) broken.push("field name");
      if (f.value.length > MESSAGE_LIMITS.fieldValue || f.value.length === 0) broken.push("field value");
      total += f.name.length + f.value.length;
    }
  }
  if (total > MESSAGE_LIMITS.embedTotal) broken.push("embed total");
  if (rendered.components.length > MESSAGE_LIMITS.rows) broken.push("rows");
  const ids = new Set<string>();
  for (const row of rendered.components) {
    if (row.components.length > MESSAGE_LIMITS.buttonsPerRow || row.components.length === 0) broken.push("row size");
    for (const b of row.components) {
      if (b.label!.length > MESSAGE_LIMITS.buttonLabel || b.label!.length === 0) broken.push("label");
      if (!("custom_id" in b)) continue; // a link button (style 5) has a url instead
      if (b.custom_id.length > MAX_CUSTOM_ID) broken.push("custom_id");
      if (ids.has(b.custom_id)) broken.push("duplicate custom_id");
      ids.add(b.custom_id);
    }
  }
  return broken;
}

describe("rendering replies for Discord", () => {
  it("sends a short plain reply as plain text, errors marked", () => {
    expect(renderReply(reply({ text: "Logged coffee." }))).toMatchObject({ content: "Logged coffee.", embeds: [], components: [], files: [] });
    expect(renderReply(reply({ text: "goal number must be at least 1", tone: "error" })).content).toBe("⚠️ goal number must be at least 1");
  });

  it("renders a titled reply as an embed whose description is the whole text, coloured by tone", () => {
    const rendered = renderReply(reply({ title: "Your targets (1)", text: "• Acme: applied", tone: "success" }));
    expect(rendered.content).toBeUndefined();
    expect(rendered.embeds).toEqual([{ title: "Your targets (1)", description: "• Acme: applied", color: 0x57f287 }]);
  });

  it("shows fields only when they add to the text", () => {
    const fields = [
      { label: "Acme", value: "works" },
      { label: "Globex", value: "knows" },
    ];
    const adding = renderReply(reply({ title: "Your network (2)", text: "• You work at Acme\n• You know someone at Globex", fields }));
    expect(adding.embeds[0]!.fields).toEqual([
      { name: "Acme", value: "works", inline: true },
      { name: "Globex", value: "knows", inline: true },
    ]);
    const repeating = renderReply(reply({ title: "Your profile", text: "Name: Ana\nStatus: searching", fields: [{ label: "Name", value: "Ana" }, { label: "Status", value: "searching" }] }));
    expect(repeating.embeds[0]!.fields).toBeUndefined();
  });

  it("puts the title in content for notifications, and mentions exactly the users named", () => {
    const rendered = renderReply(reply({ title: "Introduction #3: Acme", text: "👋 Bob, meet Ana. @everyone <@&42>" }), { mention: ["111111111111111111", "222222222222222222"], notify: true });
    expect(rendered.content).toBe("<@111111111111111111> <@222222222222222222> Introduction #3: Acme");
    expect(rendered.allowedMentions).toEqual({ parse: [], users: ["111111111111111111", "222222222222222222"] });
    expect(renderReply(reply({ text: "🎉 ana: @everyone we did it" })).allowedMentions).toEqual({ parse: [], users: [] });
    // Only ids can be mentioned: a name smuggled in as an id is dropped.
    expect(renderReply(reply(), { mention: ["@everyone"] }).allowedMentions.users).toEqual([]);
  });

  it("turns buttons into rows of at most five, with styles, and custom_ids that are the command lines", () => {
    const buttons: Button[] = [
      { label: "Accept", command: "intro accept 12", style: "primary" },
      { label: "Decline", command: "intro decline 12", style: "danger" },
      { label: "My goals", command: "goal list" },
    ];
    const rendered = renderReply(reply({ buttons }));
    expect(rendered.components).toEqual([
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Primary, label: "Accept", custom_id: "intro accept 12" },
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: "Decline", custom_id: "intro decline 12" },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: "My goals", custom_id: "goal list" },
        ],
      },
    ]);
  });

  it("packs the server into DM buttons, so a click in a DM knows its club", () => {
    const rendered = renderReply(reply({ buttons: [{ label: "Accept", command: "intro accept 12" }] }), { dmGuildId: GUILD });
    const [button] = allButtons(rendered);
    expect(button!.custom_id.startsWith("~")).toBe(true);
    expect(decodeCustomId(button!.custom_id)).toEqual({ command: "intro accept 12", guildId: GUILD });
  });

  it("keeps within every limit whatever the reply holds", () => {
    const huge = reply({
      title: "T".repeat(400),
      text: "x".repeat(9000),
      fields: Array.from({ length: 40 }, (_, i) => ({ label: `L${i}`.repeat(200), value: `V${i} `.repeat(500) })),
      buttons: Array.from({ length: 40 }, (_, i) => ({ label: "B".repeat(120), command: `goal done ${i}` })),
    });
    for (const options of [{}, { dmGuildId: GUILD }, { notify: true, mention: ["111111111111111111"] }]) {
      const rendered = renderReply(huge, options);
      expect(brokenLimits(rendered)).toEqual([]);
      expect(allButtons(rendered)).toHaveLength(25);
      expect(rendered.components).toHaveLength(5);
    }
  });

  it("attaches a text too long for an embed in full, instead of losing it", () => {
    const text = `${"a".repeat(5000)}THE END`;
    const rendered = renderReply(reply({ title: "Long", text }));
    expect(rendered.embeds[0]!.description!.length).toBeLessThanOrEqual(MESSAGE_LIMITS.embedDescription);
    expect(rendered.embeds[0]!.description).toContain("attached");
    expect(rendered.files).toEqual([{ name: "message.txt", data: Buffer.from(text), contentType: "text/plain; charset=utf-8" }]);
  });

  it("moves a plain text over 2000 characters into an embed rather than cutting it", () => {
    const rendered = renderReply(reply({ text: "y".repeat(2500) }));
    expect(rendered.content).toBeUndefined();
    expect(rendered.embeds[0]!.description).toBe("y".repeat(2500));
  });

  it("leaves out buttons whose command can't be a custom_id, and repeats", () => {
    const rendered = renderReply(
      reply({
        buttons: [
          { label: "Too long", command: `intro <@123456789012345678> ${"A".repeat(80)}` },
          { label: "Goals", command: "goal list" },
          { label: "Goals again", command: "goal list" },
          { label: "", command: "target list" },
        ],
      }),
    );
    expect(allButtons(rendered).map((b) => [b.label, b.custom_id])).toEqual([
      ["Goals", "goal list"],
      ["target list", "target list"],
    ]);
  });

  it("attaches an export as a file with a plain name", () => {
    const rendered = renderReply(reply({ attachment: { filename: "../warm path?.json", contentType: "application/json", content: '{"a":1}' } }));
    expect(rendered.files).toEqual([{ name: "warm_path_.json", data: Buffer.from('{"a":1}'), contentType: "application/json" }]);
  });
});

describe("button custom_ids", () => {
  it("round-trip a command line, with or without a server", () => {
    for (const command of ["goal list", "intro <@123456789012345678> ACME, Inc.", "intro decline 7", "forget-me confirm"]) {
      expect(decodeCustomId(encodeCustomId(command)!)).toEqual({ command });
      expect(decodeCustomId(encodeCustomId(command, GUILD)!)).toEqual({ command, guildId: GUILD });
    }
  });

  it("fall back to the bare command when the server doesn't fit, and give up past 100 characters", () => {
    const command = `who ${"A".repeat(92)}`; // 96 characters: fits bare, not with a server
    expect(encodeCustomId(command, GUILD)).toBe(command);
    expect(encodeCustomId("x".repeat(101))).toBeUndefined();
    expect(encodeCustomId("")).toBeUndefined();
  });

  it("never read a typed command as a server claim", () => {
    expect(decodeCustomId("goal add ~abc~x")).toEqual({ command: "goal add ~abc~x" });
    expect(decodeCustomId("~~goal list")).toEqual({ command: "~~goal list" });
    expect(decodeCustomId("~ZZ~goal list")).toEqual({ command: "~ZZ~goal list" });
  });
});
