import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand, type CommandContext } from "../command.js";
import { errorReply, privateReply, successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { formatDay } from "../dates.js";
import { parseMention } from "../mentions.js";
import type { Button, Reply } from "../types.js";
import { helpKinds, introOutcomes, type HelpKind, type IntroOutcome } from "../vocabulary.js";
import type { IntroRow, MemberRow } from "../../db/store/club-store.js";
import { isPaused, memberByMention, nameWithHeadline, pauseNote, timezoneOf } from "../services/members.js";
import { splitAtKnownCompany } from "../services/companies.js";
import { DM_LIMITS, enforceLimits } from "../services/rate-limits.js";
import { roomMessages } from "../services/linking.js";
import {
  DECLINE_WINDOW_MS,
  DECLINE_WINDOW_WEEKS,
  RELATION_PHRASES,
  ago,
  askButtons,
  describePaths,
  endSentence,
  furthestOutcome,
  helperRequestMessage,
  hireNoteForHelper,
  hireOffersForRequester,
  introParties,
  laterReport,
  lockIntro,
  nextBestHelpers,
  otherPathsText,
  quotedReason,
  requestLine,
  roomMessage,
  similarCompanies,
} from "../services/intros.js";

const introNumber = () => arg.int({ min: 1, max: 2_147_483_647, label: "intro id", description: "The intro's number, e.g. 12" });

/** A helper as typed: a mention (its platform id), or a bare word, answered with "did you mean @bob?". */
type HelperArg = string | { typed: string };

/**
 * The helper: a member mention, like `arg.mention`, except that a bare name ("bob") also gets
 * through zod, so the command can answer "Did you mean @bob?" from the club's members.
 */
function helperArg() {
  const schema = z.string().transform((value, ctx): HelperArg => {
    const trimmed = value.trim();
    const id = parseMention(trimmed);
    if (id) return id;
    if (/^[\p{L}\p{N}._-]{1,64}$/u.test(trimmed)) return { typed: trimmed };
    ctx.addIssue({ code: "custom", message: "must be a member mention, like @name" });
    return z.NEVER;
  });
  return schema.meta({
    description: "Who you'd like the introduction from",
    arg: { kind: "mention", label: "member", required: true, position: "front" },
  });
}

const REQUEST_USAGE = `intro @member [${helpKinds.join("|")}] <company>[: ask] [confirm]`;

/** What the requester typed, to put back into buttons that send it differently. */
interface Draft {
  kind: HelpKind | undefined;
  company: string;
  ask: string | undefined;
}

/** A mistake answered with buttons that do the likely right thing. */
function mistake(message: string, buttons: Button[]): Reply {
  return { ...errorReply(message, REQUEST_USAGE), buttons: buttons.filter((b) => b.command.length <= 2000).slice(0, 5) };
}

/** The helper a request names, or a "did you mean @bob?" when the @ was left out. */
async function requestedHelper(ctx: CommandContext, helper: HelperArg, draft: Draft): Promise<MemberRow | Reply> {
  if (typeof helper === "string") return memberByMention(ctx, helper);
  const named = await ctx.store.intros.membersNamed(helper.typed);
  const byAccount = ctx.platform === "console" ? await ctx.store.members.findByPlatformUser(ctx.platform, helper.typed.toLowerCase()) : undefined;
  const candidates = [...new Map([...(byAccount ? [byAccount] : []), ...named].map((m) => [m.id, m])).values()].filter((m) => m.id !== ctx.me.id);
  if (candidates.length === 0) {
    throw new UserError("INTRO.NOT_A_MENTION", `“${helper.typed}” isn't a member mention, and no member of this club is called that. Mention who you'd like to ask, like @name.`, REQUEST_USAGE);
  }
  const names = candidates.map((m) => `@${m.displayName}`);
  return mistake(
    `“${helper.typed}” isn't a member mention. Did you mean ${names.join(" or ")}? Type the @ so I know it's a member: \`intro @${candidates[0]!.displayName} ${draft.company}\`.`,
    candidates.map((m) => ({ label: `Ask ${m.displayName} about ${draft.company}`.slice(0, 75), command: requestLine(m.id, draft), style: "primary" as const })),
  );
}

export const introRequest = defineCommand({
  name: "intro request",
  summary: "Ask a member for a double opt-in introduction at a company",
  usage: REQUEST_USAGE,
  examples: [
    "intro @bob Acme Corp: could you introduce me to someone on the data team?",
    "intro @bob referral Globex",
    "intro @bob Monzo Bank: a word about the platform team? confirm",
  ],
  args: z.object({
    helper: helperArg(),
    kind: arg.choice(helpKinds, { optional: true, label: "kind of help", description: "information, contact, connection or referral" }),
    company: arg.company({ description: "The company" }),
    ask: arg.text({ max: 500, optional: true, label: "ask", description: "What you'd like help with" }),
    confirm: arg.choice(["confirm"] as const, {
      optional: true,
      position: "end",
      label: "confirm",
      description: "Send it even though the company is new to the club or the helper has no tie to it",
    }),
  }),
  async run(ctx, args) {
    const now = ctx.clock.now();
    const confirmed = args.confirm === "confirm";
    let helperRef: HelperArg = args.helper;
    let kind: HelpKind | undefined = args.kind;
    let companyName = args.company;
    let ask = args.ask;
    let kindReadFrom: "end" | "ask" | undefined;

    // `intro referral @bob Acme`: the kind before the member is still understood.
    let words = companyName.split(/\s+/);
    const typedKind = typeof helperRef === "string" ? undefined : helperRef.typed.toLowerCase();
    const leadingMention = parseMention(words[0]!);
    if (!kind && typedKind && (helpKinds as readonly string[]).includes(typedKind) && leadingMention && words.length > 1) {
      kind = typedKind as HelpKind;
      helperRef = leadingMention;
      companyName = words.slice(1).join(" ");
      words = words.slice(1);
    }

    // `intro @bob @chen Acme`: one member at a time, never a company called "@chen Acme".
    const mentioned = words.filter((w) => parseMention(w) !== undefined);
    if (mentioned.length > 0) {
      const rest = words.filter((w) => parseMention(w) === undefined).join(" ");
      const others: MemberRow[] = [];
      for (const word of mentioned) {
        const found = await memberByMention(ctx, parseMention(word)!).catch(() => undefined);
        if (found) others.push(found);
      }
      const first = typeof helperRef === "string" ? await memberByMention(ctx, helperRef).catch(() => undefined) : undefined;
      const people = [...new Map([...(first ? [first] : []), ...others].map((m) => [m.id, m])).values()].filter((m) => m.id !== ctx.me.id);
      const draft = { kind, company: rest, ask };
      return mistake(
        `\`intro\` asks one member at a time, and “${companyName}” isn't a company. ` +
          (rest ? `Ask each of them about ${rest} on their own${people.length ? " (the buttons below do it)" : ""}.` : "Name the company after the member."),
        rest ? people.map((m) => ({ label: `Ask ${m.displayName} about ${rest}`.slice(0, 75), command: requestLine(m.id, draft) })) : [],
      );
    }

    // A kind of help typed after the company (`intro @dara Offer Labs referral: …`) is the kind, not
    // part of the name, unless the club knows a company by the whole name.
    const last = words[words.length - 1]!.toLowerCase();
    if (!kind && words.length > 1 && (helpKinds as readonly string[]).includes(last) && !(await ctx.store.companies.find(companyName))) {
      kind = last as HelpKind;
      companyName = words.slice(0, -1).join(" ");
      kindReadFrom = "end";
    }
    if (!ask) {
      const split = await splitAtKnownCompany(ctx, companyName);
      if (split) ({ company: companyName, rest: ask } = split);
      // `intro @bob Acme referral please` → company Acme, kind referral.
      const firstWord = ask?.split(/\s+/)[0]?.toLowerCase();
      if (!kind && firstWord && (helpKinds as readonly string[]).includes(firstWord)) {
        kind = firstWord as HelpKind;
        kindReadFrom = "ask";
        ask = ask!.split(/\s+/).slice(1).join(" ") || undefined;
      }
    }
    const draft: Draft = { kind, company: companyName, ask };

    const helperOrReply = await requestedHelper(ctx, helperRef, draft);
    if (!("id" in helperOrReply)) return helperOrReply;
    const helper = helperOrReply;
    if (helper.id === ctx.me.id) throw new UserError("INTRO.SELF", "You can't ask yourself for an introduction. `who <company>` finds others.");
    if (isPaused(helper, now)) {
      throw new UserError("INTRO.PAUSED", `${helper.displayName} is taking a break${pauseNote(ctx, helper)}. Try someone else: \`who ${companyName}\`.`);
    }

    // An unknown company is asked about first: a typo must not become a new company.
    const known = await ctx.store.companies.find(companyName);
    if (!known && !confirmed) {
      const similar = similarCompanies(companyName, await ctx.store.companies.allNames());
      const guess = similar.length ? ` Did you mean ${similar.map((c) => c.name).join(" or ")}?` : "";
      return privateReply(
        `I don't know ${companyName} in this club.${guess} Nobody has it as a target or in their network yet, so I haven't sent anything to ${helper.displayName}. ` +
          `If it's new to the club, say so and I'll ask them (or type the same line with \`confirm\` at the end).`,
        {
          title: `Intro to ${helper.displayName}: which company?`,
          buttons: [
            ...similar.map((c) => ({ label: `Ask about ${c.name}`.slice(0, 75), command: requestLine(helper.id, { ...draft, company: c.name }), style: "primary" as const })),
            { label: `Yes, ${companyName} is new`.slice(0, 75), command: requestLine(helper.id, { ...draft, confirm: true }) },
          ],
        },
      );
    }

    // Not the same ask of the same person straight after they said no.
    if (known) {
      const declined = await ctx.store.intros.declinedSince(ctx.me.id, helper.id, known.id, new Date(now.getTime() - DECLINE_WINDOW_MS));
      if (declined) {
        const at = declined.respondedAt ?? declined.requestedAt;
        const tz = timezoneOf(ctx, ctx.me);
        const next = await nextBestHelpers(ctx.store, now, { requesterId: ctx.me.id, helperId: helper.id, companyId: known.id });
        return {
          ...errorReply(
            `${helper.displayName} declined your ask about ${known.name} on ${formatDay(at, tz)} (#${declined.number}). So that asks stay welcome, ` +
              `I don't send the same ask to the same person within ${DECLINE_WINDOW_WEEKS} weeks of a decline: you can ask ${helper.displayName} about ${known.name} again from ${formatDay(new Date(at.getTime() + DECLINE_WINDOW_MS), tz)}.` +
              otherPathsText(next, known.name),
          ),
          buttons: askButtons(next, known.name),
        };
      }
    }

    await enforceLimits(ctx, DM_LIMITS.intros, (since, limit) => ctx.store.intros.requestedSince(ctx.me.id, since, limit));
    const company = known ?? (await ctx.store.companies.resolve(companyName, now));
    await ctx.store.intros.lockNumbering();
    const open = await ctx.store.intros.findOpen(ctx.me.id, helper.id, company.id);
    if (open) {
      throw new UserError("INTRO.DUPLICATE", `You already asked ${helper.displayName} about ${company.name} (#${open.number}, ${open.status}).`);
    }

    // A helper with no tie to the company: say who has one, and send only when confirmed.
    if (!confirmed) {
      const tie = (await ctx.store.network.tiesOf(helper.id)).find((t) => t.companyId === company.id);
      if (!tie) {
        const paths = await nextBestHelpers(ctx.store, now, { requesterId: ctx.me.id, helperId: helper.id, companyId: company.id });
        const who = paths.length
          ? ` These members do:\n${describePaths(paths, company.name)}`
          : ` Nobody else in the club has one yet either.`;
        return privateReply(
          `${helper.displayName} hasn't added ${company.name} to their network, so I don't know that they have a way in there.${who}\n` +
            `Ask ${helper.displayName} anyway if you know they can help (or type the same line with \`confirm\` at the end).`,
          {
            title: `Intro to ${helper.displayName}: ${company.name}`,
            buttons: [
              ...askButtons(paths, company.name),
              { label: `Ask ${helper.displayName} anyway`.slice(0, 75), command: requestLine(helper.id, { ...draft, company: company.name, confirm: true }) },
            ],
          },
        );
      }
    }

    const intro = await ctx.store.intros.create({ requesterId: ctx.me.id, helperId: helper.id, companyId: company.id, ask: ask ?? null, kind: kind ?? "connection", now });
    await ctx.send({
      kind: "direct",
      to: helper.id,
      about: [ctx.me.id],
      notifyOnFallback: ctx.me.id,
      reply: helperRequestMessage(intro, ctx.me, company.name),
      dedupeKey: `intro:${intro.number}:request`,
    });
    const readKind = kindReadFrom ? ` I read “${intro.kind}” as the kind of help you'd like.` : "";
    return successReply(
      `Asked ${helper.displayName} for an introduction at ${company.name} (#${intro.number}). I'll tell you as soon as they answer.${readKind}`,
      { buttons: [{ label: `Withdraw #${intro.number}`, command: `intro withdraw ${intro.number}` }] },
    );
  },
});

export const introAccept = defineCommand({
  name: "intro accept",
  summary: "Accept an introduction you were asked for",
  usage: "intro accept <id>",
  args: z.object({ id: introNumber() }),
  async run(ctx, { id }) {
    const intro = await lockIntro(ctx, id);
    const { requester, helper } = await introParties(ctx, intro);
    if (intro.helperId !== ctx.me.id) {
      throw new UserError("INTRO.NOT_HELPER", `Only ${helper.displayName} can answer intro #${id}.`);
    }
    if (intro.status === "accepted") return privateReply(`You already accepted #${id}: the conversation with ${requester.displayName} is open.`);
    if (intro.status === "withdrawn") return privateReply(`${requester.displayName} withdrew #${id}, so there's nothing to answer. Thanks all the same!`);
    if (intro.status !== "requested") throw new UserError("INTRO.CLOSED", `Intro #${id} is ${intro.status}; it can't be accepted any more.`);
    const now = ctx.clock.now();
    await ctx.store.intros.update(intro.id, { status: "accepted", respondedAt: now });
    const companyName = (await ctx.store.companies.get(intro.companyId))?.name ?? "the company";
    const tie = (await ctx.store.network.tiesOf(helper.id)).find((t) => t.companyId === intro.companyId);
    // One room where both are on one platform; across platforms, a DM each naming the other.
    const room = roomMessage(intro, requester, helper, companyName, tie ? RELATION_PHRASES[tie.relation] : undefined);
    const messages = await roomMessages(ctx, [requester, helper], room, `intro:${intro.number}:room`);
    for (const message of messages) await ctx.send(message);
    if (messages.some((m) => m.kind !== "room")) {
      return successReply(`Thank you! You and ${requester.displayName} are on different platforms, so I've sent you each the introduction about ${companyName} (#${id}) by DM, with how to reach the other.`);
    }
    return successReply(`Thank you! I've opened a conversation with you and ${requester.displayName} about ${companyName} (#${id}).`);
  },
});

export const introDecline = defineCommand({
  name: "intro decline",
  summary: "Decline an introduction, with an optional reason for the requester",
  usage: "intro decline <id> [reason]",
  args: z.object({
    id: introNumber(),
    reason: arg.text({ max: 300, optional: true, label: "reason", description: "A kind word for the requester (optional)" }),
  }),
  async run(ctx, { id, reason }) {
    const intro = await lockIntro(ctx, id);
    const { requester, helper } = await introParties(ctx, intro);
    if (intro.helperId !== ctx.me.id) throw new UserError("INTRO.NOT_HELPER", `Only ${helper.displayName} can answer intro #${id}.`);
    if (intro.status === "declined") return privateReply(`You already declined #${id}.`);
    if (intro.status === "withdrawn") return privateReply(`${requester.displayName} withdrew #${id}, so there's nothing to answer. Thanks all the same!`);
    if (intro.status !== "requested") throw new UserError("INTRO.CLOSED", `Intro #${id} is ${intro.status}; it can't be declined any more.`);
    await ctx.store.intros.update(intro.id, { status: "declined", respondedAt: ctx.clock.now(), declineReason: reason ?? null });
    const companyName = (await ctx.store.companies.get(intro.companyId))?.name ?? "the company";
    const next = await nextBestHelpers(ctx.store, ctx.clock.now(), intro);
    await ctx.send({
      kind: "direct",
      to: requester.id,
      about: [helper.id, ...next.map((n) => n.memberId)],
      dedupeKey: `intro:${intro.number}:declined`,
      reply: {
        title: `Intro #${id}: ${companyName}`,
        text: `${helper.displayName} can't help with ${companyName} right now.${quotedReason(reason)} No hard feelings: it happens, and there are other paths.${otherPathsText(next, companyName)}`,
        visibility: "private",
        tone: "info",
        buttons: askButtons(next, companyName),
      },
    });
    return successReply(`Declined #${id}. I'll let ${requester.displayName} know kindly and point them to other paths.`);
  },
});

export const introWithdraw = defineCommand({
  name: "intro withdraw",
  summary: "Take back an introduction you asked for that hasn't been answered",
  usage: "intro withdraw <id>",
  examples: ["intro withdraw 12"],
  args: z.object({ id: introNumber() }),
  async run(ctx, { id }) {
    const intro = await lockIntro(ctx, id);
    const { requester, helper } = await introParties(ctx, intro);
    if (intro.requesterId !== ctx.me.id) throw new UserError("INTRO.NOT_REQUESTER", `Only ${requester.displayName}, who asked for intro #${id}, can withdraw it.`);
    if (intro.status === "withdrawn") return privateReply(`You already withdrew #${id}.`);
    if (intro.status === "accepted") {
      throw new UserError(
        "INTRO.ALREADY_ACCEPTED",
        `${helper.displayName} already accepted #${id} and your conversation is open, so it can't be withdrawn. If it's no longer needed, just tell them there; \`intro outcome ${id} not-yet|met|no-show|hired\` records how it went.`,
      );
    }
    if (intro.status !== "requested") throw new UserError("INTRO.CLOSED", `Intro #${id} is ${intro.status} already; there's nothing to withdraw.`);
    const now = ctx.clock.now();
    await ctx.store.intros.update(intro.id, { status: "withdrawn", withdrawnAt: now });
    const companyName = (await ctx.store.companies.get(intro.companyId))?.name ?? "the company";
    await ctx.send({
      kind: "direct",
      to: helper.id,
      about: [requester.id],
      dedupeKey: `intro:${intro.number}:withdrawn`,
      reply: {
        title: `Intro request #${id}: withdrawn`,
        text: `${requester.displayName} has withdrawn their request about ${endSentence(companyName)} Nothing more is needed from you: thanks for being someone the club can ask!`,
        visibility: "private",
        tone: "info",
      },
    });
    return successReply(`Withdrawn #${id}. I've let ${helper.displayName} know kindly that nothing more is needed, and you can ask them again whenever you like.`);
  },
});

const OUTCOME_WORDS: Record<IntroOutcome, string> = { met: "met", "not-yet": "not yet", "no-show": "no-show", hired: "hired" };

export const introOutcome = defineCommand({
  name: "intro outcome",
  summary: "Record how an accepted introduction went",
  usage: `intro outcome <id> ${introOutcomes.join("|")}`,
  examples: ["intro outcome 12 met"],
  args: z.object({
    id: introNumber(),
    outcome: arg.choice(introOutcomes, { label: "outcome", position: "end", description: "met, not-yet, no-show or hired" }),
  }),
  async run(ctx, { id, outcome }) {
    const intro = await lockIntro(ctx, id);
    const byRequester = intro.requesterId === ctx.me.id;
    if (!byRequester && intro.helperId !== ctx.me.id) throw new UserError("INTRO.NOT_PARTY", `Only the two members of intro #${id} can record how it went.`);
    if (intro.status !== "accepted") throw new UserError("INTRO.NOT_ACCEPTED", `Intro #${id} is ${intro.status}; outcomes are for accepted intros.`);
    const now = ctx.clock.now();
    const { requester, helper } = await introParties(ctx, intro);
    const other = byRequester ? helper : requester;
    const mine = byRequester ? intro.requesterOutcome : intro.helperOutcome;
    const theirs = byRequester ? intro.helperOutcome : intro.requesterOutcome;
    const report = laterReport(mine, outcome);
    const overall = furthestOutcome(intro.outcome, report);
    const hiredNow = overall === "hired" && intro.outcome !== "hired";
    const metNow = (report === "met" || report === "hired") && !intro.metAt;
    await ctx.store.intros.update(intro.id, {
      ...(byRequester ? { requesterOutcome: report } : { helperOutcome: report }),
      ...(overall !== intro.outcome ? { outcome: overall, outcomeAt: now } : {}),
      ...(metNow ? { metAt: now } : {}),
      ...(hiredNow ? { hiredAt: now } : {}),
      // "Not yet" from both so far: asked again a week from now by the follow-ups job.
      ...(overall === "not-yet" ? { outcomeAt: now, followedUpAt: null } : {}),
    });

    const companyName = (await ctx.store.companies.get(intro.companyId))?.name ?? "the company";
    if (hiredNow) {
      const employed = requester.status === "employed";
      const insider = (await ctx.store.network.tiesOf(requester.id)).some((t) => t.companyId === intro.companyId && t.relation === "works");
      const offers = hireOffersForRequester(companyName, { employed, insider });
      if (byRequester) {
        await ctx.send({ kind: "direct", to: helper.id, about: [requester.id], dedupeKey: `intro:${intro.number}:hired`, reply: hireNoteForHelper(intro, requester, companyName) });
        return successReply(
          `🎉 Hired! That's the best outcome there is. Recorded for #${id}, and I've told ${helper.displayName} their introduction led to it.${offers.text}`,
          { buttons: offers.buttons },
        );
      }
      await ctx.send({
        kind: "direct",
        to: requester.id,
        about: [helper.id],
        dedupeKey: `intro:${intro.number}:hired`,
        reply: {
          title: `🎉 Congratulations on ${companyName}!`,
          text: `${helper.displayName} recorded that intro #${id} led to your hire at ${endSentence(companyName)} Congratulations!${offers.text}`,
          visibility: "private",
          tone: "success",
          buttons: offers.buttons,
        },
      });
      return successReply(`🎉 A hire! Recorded for #${id}, and I've congratulated ${requester.displayName}. Thank you: it started with your introduction.`);
    }

    if (report !== outcome) {
      return privateReply(`You already reported “${OUTCOME_WORDS[report]}” for #${id}, and outcomes only move forward, so I've kept it.`);
    }
    if (overall !== report) {
      const said = theirs === overall ? `${other.displayName} already reported “${OUTCOME_WORDS[overall]}”` : `#${id} already records “${OUTCOME_WORDS[overall]}”`;
      return successReply(`Noted your “${OUTCOME_WORDS[report]}” for #${id}. ${said}, so that stays: outcomes only move forward.`);
    }
    if (outcome === "not-yet") return successReply(`No rush. I'll check in about #${id} again in a week.`);
    if (outcome === "hired") return successReply(`Recorded: #${id} hired. 🎉`);
    return successReply(`Recorded: #${id} ${outcome}. Thanks for closing the loop.`);
  },
});

/** One line of `intro list`: who, what, where it stands, how old, and the ask. */
function listLine(intro: IntroRow & { company: string }, me: number, people: Map<number, MemberRow>, now: Date): string {
  const asked = intro.helperId === me;
  const other = people.get(asked ? intro.requesterId : intro.helperId);
  const who = other ? nameWithHeadline(other) : "someone";
  const outcome = intro.outcome ? ` (${intro.outcome})` : "";
  const ask = intro.ask ? `\n    “${intro.ask}”` : "";
  return `#${intro.number} ${asked ? `${who} asked you` : `you asked ${who}`} about ${intro.company}: ${intro.status}${outcome} · asked ${ago(intro.requestedAt, now)}${ask}`;
}

export const introList = defineCommand({
  name: "intro list",
  createsMember: false,
  readOnly: true,
  summary: "Your introductions; `intro list open` shows only what waits on you or on others",
  usage: "intro list [open]",
  examples: ["intro list", "intro list open"],
  args: z.object({
    which: arg.choice(["open"] as const, { optional: true, label: "which", description: "open: only asks still waiting on someone, with buttons" }),
  }),
  async run(ctx, { which }) {
    const now = ctx.clock.now();
    if (which === "open") return openAsks(ctx, now);
    const mine = await ctx.store.intros.involving(ctx.me.id);
    if (mine.length === 0) return privateReply("No introductions yet. `who <company>` finds someone to ask.", { title: "Your intros" });
    const people = new Map((await ctx.store.members.getMany([...new Set(mine.flatMap((i) => [i.requesterId, i.helperId]))])).map((m) => [m.id, m]));
    const lines = mine.map((i) => listLine(i, ctx.me.id, people, now));
    const waitingOnMe = mine.filter((i) => i.helperId === ctx.me.id && i.status === "requested").slice(0, 2);
    return privateReply(lines.join("\n"), {
      title: "Your intros",
      buttons: [
        ...waitingOnMe.flatMap((i) => [
          { label: `Accept #${i.number}`, command: `intro accept ${i.number}`, style: "primary" as const },
          { label: `Decline #${i.number}`, command: `intro decline ${i.number}`, style: "danger" as const },
        ]),
        { label: "Open asks", command: "intro list open" },
      ],
    });
  },
});

/** The open asks: what waits on the member (to answer, to report) and what they wait on, with buttons. */
async function openAsks(ctx: CommandContext, now: Date): Promise<Reply> {
  const me = ctx.me.id;
  const open = await ctx.store.intros.openFor(me);
  const title = "Your open asks";
  if (open.length === 0) return privateReply("Nothing is waiting on you or on anyone else. `who <company>` finds someone to ask.", { title });
  const people = new Map((await ctx.store.members.getMany([...new Set(open.flatMap((i) => [i.requesterId, i.helperId]))])).map((m) => [m.id, m]));
  const name = (id: number) => people.get(id)?.displayName ?? "someone";
  const toAnswer = open.filter((i) => i.status === "requested" && i.helperId === me);
  const waiting = open.filter((i) => i.status === "requested" && i.requesterId === me);
  const toReport = open.filter((i) => i.status === "accepted");
  const sections: string[] = [];
  const buttons: Button[] = [];
  if (toAnswer.length) {
    sections.push(
      `Waiting on you to answer:\n` +
        toAnswer.map((i) => `• #${i.number} ${name(i.requesterId)} asked about ${i.company} ${ago(i.requestedAt, now)}${i.ask ? `: “${i.ask}”` : ""}`).join("\n"),
    );
    for (const i of toAnswer.slice(0, 3)) {
      buttons.push({ label: `Accept #${i.number}`, command: `intro accept ${i.number}`, style: "primary" }, { label: `Decline #${i.number}`, command: `intro decline ${i.number}`, style: "danger" });
    }
  }
  if (waiting.length) {
    sections.push(`Your asks, waiting on others:\n` + waiting.map((i) => `• #${i.number} ${name(i.helperId)} about ${i.company}, asked ${ago(i.requestedAt, now)}`).join("\n"));
    for (const i of waiting.slice(0, 3)) buttons.push({ label: `Withdraw #${i.number}`, command: `intro withdraw ${i.number}` });
  }
  if (toReport.length) {
    sections.push(
      `How did it go? Tell me when you've met:\n` +
        toReport.map((i) => `• #${i.number} with ${name(i.requesterId === me ? i.helperId : i.requesterId)} about ${i.company}, introduced ${ago(i.respondedAt ?? i.requestedAt, now)}`).join("\n"),
    );
    for (const i of toReport.slice(0, 3)) buttons.push({ label: `We met (#${i.number})`, command: `intro outcome ${i.number} met`, style: "primary" });
  }
  if (sections.length === 0) return privateReply("Nothing is waiting on you or on anyone else. `who <company>` finds someone to ask.", { title });
  return privateReply(sections.join("\n\n"), { title, buttons });
}
